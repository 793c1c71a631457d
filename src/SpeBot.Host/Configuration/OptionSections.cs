using SpeBot.Core;
using SpeBot.Core.Dashboard;
using SpeBot.Core.Discovery;
using SpeBot.Core.Oncall;
using SpeBot.Core.Retro;
using SpeBot.Core.Schedules;
using SpeBot.Core.Storage;
using SpeBot.Host.Jobs;
using SpeBot.Host.Playground;
using SpeBot.Host.Slack;
using SpeBot.Host.Teams;

namespace SpeBot.Host.Configuration;

/// <summary>
/// Every configuration section SpeBot reads and the options class it binds to. The start-up check validates each, and
/// a test holds appsettings.example.json and the README's table to this list, both ways: a new section goes here.
/// </summary>
public static class OptionSections
{
    /// <summary>Sections that turn a platform on by being present; validated only then.</summary>
    public static readonly string[] Switches = [SlackOptions.Section, TeamsOptions.Section];

    public static readonly IReadOnlyList<(string Section, Type Options)> All =
    [
        (StorageOptions.Section, typeof(StorageOptions)),
        (SpeBotOptions.Section, typeof(SpeBotOptions)),
        (ScheduleOptions.Section, typeof(ScheduleOptions)),
        (RetroOptions.Section, typeof(RetroOptions)),
        (OncallOptions.Section, typeof(OncallOptions)),
        (OutboxOptions.Section, typeof(OutboxOptions)),
        (RetentionOptions.Section, typeof(RetentionOptions)),
        (SlackOptions.Section, typeof(SlackOptions)),
        (TeamsOptions.Section, typeof(TeamsOptions)),
        (GitHubOptions.Section, typeof(GitHubOptions)),
        (WatchOptions.Section, typeof(WatchOptions)),
        (ToilOptions.Section, typeof(ToilOptions)),
        (DashboardOptions.Section, typeof(DashboardOptions)),
        (PlaygroundSetup.Section, typeof(PlaygroundOptions)),
    ];

    /// <summary>Keys the host itself reads (ASP.NET Core and logging), outside any SpeBot options class.</summary>
    public static readonly string[] HostKeys = ["Urls", "AllowedHosts", "Logging"];
}

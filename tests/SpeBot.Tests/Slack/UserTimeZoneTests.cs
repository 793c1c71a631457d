using SpeBot.Core;
using SpeBot.Core.Schedules;
using SpeBot.Core.Workspaces;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Slack;

/// <summary>A Slack person's zone comes from users.info, asked once and kept in user_settings.</summary>
public sealed class UserTimeZoneTests : SlackHost
{
    [Fact]
    public async Task ASlackPersonsZoneIsAskedOfUsersInfoOnceAndKept()
    {
        var workspace = await Factory.Get<WorkspaceStore>().EnsureAsync(Platform.Slack, "T1");
        var settings = Factory.Get<NudgeSettings>();

        var zone = await settings.ZoneAsync(workspace.Id, "U123ZONE");
        var again = await settings.ZoneAsync(workspace.Id, "U123ZONE");

        Assert.Equal("Asia/Tokyo", zone?.Id);
        Assert.Equal("Asia/Tokyo", again?.Id);
        Assert.Single(Slack.CallsTo("users.info"), c => c.Text.Contains("U123ZONE"));
    }
}

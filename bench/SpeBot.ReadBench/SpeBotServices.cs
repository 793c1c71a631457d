using SpeBot.Core;
using SpeBot.Host.Slack;

namespace SpeBot.ReadBench;

/// <summary>
/// SpeBot's services as the bot wires them (core + Slack rendering) over one database file, without the HTTP server:
/// the seeder writes through them and the benchmark times them.
/// </summary>
internal static class SpeBotServices
{
    public const string Team = "TBENCH";

    /// <summary>The HTTP benchmark's proposal number <paramref name="n"/>: 500 authors, 40 channels.</summary>
    public static (SpeBot.Core.Items.NewItem Item, string Channel) Proposal(long workspaceId, long n) =>
        (new(workspaceId, $"Benchmark item {n}", "slack", $"UP{n % 500}", Impact: 3, Effort: 2, ChannelId: $"CP{n % 40}"), $"CP{n % 40}");

    public static WebApplication Build(string dbPath, string synchronous, TimeProvider? clock = null)
    {
        // As the bot (Program.cs): no watcher on the content root, which may hold the database.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Production", Args = ["--hostBuilder:reloadConfigOnChange=false"],
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Path"] = dbPath,
            ["Storage:Synchronous"] = synchronous,
            ["Slack:SigningSecret"] = "bench-signing-secret",
            ["Slack:BotToken"] = "xoxb-bench",
            ["Slack:BotUserId"] = "UBOT",
            ["Slack:ApiBaseUrl"] = "http://127.0.0.1:9/api/",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        builder.Services.AddSpeBotCore();
        builder.AddSlack();
        if (clock is not null) builder.Services.AddSingleton(clock);
        return builder.Build();
    }
}

/// <summary>A clock the seeder moves: every row SpeBot stamps gets the simulated time of its event.</summary>
internal sealed class SeedClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;
}

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

    public static WebApplication Build(string dbPath, string synchronous, TimeProvider? clock = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
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

using SpeBot.Tests.Support;

namespace SpeBot.Tests.Configuration;

/// <summary>
/// The built host, started as its own process with a bad setting, stops with exit code 1 and one line per problem
/// naming the key and the fix, and no stack trace (the issue saw "Unhandled exception", 45 lines and exit code 134).
/// </summary>
public sealed class BadConfigurationProcessTests
{
    public static TheoryData<string, string, string> OneBadSetting() => new()
    {
        { "Urls", "http://127.0.0.1:notaport", "http://127.0.0.1:5080" },
        { "SpeBot__DefaultTimeZone", "Mars/Olympus", "Asia/Tokyo" },
        { "Storage__Synchronous", "SOMETIMES", "FULL or NORMAL" },
        { "Storage__BusyTimeoutMs", "abc", "digits only" },
        { "Outbox__MaxAttempts", "0", "between 1 and 50" },
        { "Retention__InboxDays", "1", "between 2 and 3650" },
        { "Slack__BotToken", "xoxb-set-with-Slack__BotToken", "Slack__BotToken" },
    };

    [Theory]
    [MemberData(nameof(OneBadSetting))]
    public async Task OneBadSettingExitsWithCode1AndOneLineNamingTheKeyAndTheFix(string variable, string value, string fix)
    {
        using var dir = new TempFolder();
        var env = Environment(dir);
        env[variable] = value;
        if (variable.StartsWith("Slack__", StringComparison.Ordinal)) env["Slack__SigningSecret"] = "a-real-looking-signing-secret";

        var run = await HostProcess.RunAsync(dir.Path, env, []);

        Assert.True(run.ExitCode == 1, run.ToString());
        var line = Assert.Single(run.ErrorLines);
        Assert.Contains(variable.Replace("__", ":", StringComparison.Ordinal), line, StringComparison.Ordinal);
        Assert.Contains(fix, line, StringComparison.Ordinal);
        AssertNoStackTrace(run);
        Assert.False(File.Exists(dir.File("spebot.db")), "nothing may start before the configuration is checked");
    }

    [Fact]
    public async Task SeveralProblemsGiveOneLineEach()
    {
        using var dir = new TempFolder();
        var env = Environment(dir);
        env["SpeBot__DefaultTimeZone"] = "Mars/Olympus";
        env["Storage__Synchronous"] = "SOMETIMES";
        env["Urls"] = "http://127.0.0.1:notaport";

        var run = await HostProcess.RunAsync(dir.Path, env, []);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal(3, run.ErrorLines.Count);
        Assert.Contains(run.ErrorLines, l => l.Contains("SpeBot:DefaultTimeZone", StringComparison.Ordinal));
        Assert.Contains(run.ErrorLines, l => l.Contains("Storage:Synchronous", StringComparison.Ordinal));
        Assert.Contains(run.ErrorLines, l => l.Contains("Urls", StringComparison.Ordinal));
        AssertNoStackTrace(run);
    }

    [Fact]
    public async Task TheExampleFileCopiedAsItIsIsRefusedPlaceholderByPlaceholder()
    {
        using var dir = new TempFolder();
        File.Copy(Path.Combine(RepoFiles.Root, "appsettings.example.json"), dir.File("appsettings.Production.json"));

        var run = await HostProcess.RunAsync(dir.Path, Environment(dir), []);

        Assert.True(run.ExitCode == 1, run.ToString());
        foreach (var key in new[] { "Slack:SigningSecret", "Slack:BotToken", "Teams:AppId", "Teams:AppPassword", "Teams:TenantId",
                                    "Schedules:Entries:0:Workspace", "SpeBot:Maintainers:0", "Oncall:Rotation:0" })
            Assert.Contains(run.ErrorLines, l => l.Contains(key + " still holds the example's placeholder", StringComparison.Ordinal));
        Assert.All(run.ErrorLines, l => Assert.StartsWith("Configuration error: ", l, StringComparison.Ordinal));
        AssertNoStackTrace(run);
    }

    [Fact]
    public async Task CheckConfigSaysWhatIsOnAndExits0ForAGoodConfiguration()
    {
        using var dir = new TempFolder();
        var env = Environment(dir);
        env["Slack__SigningSecret"] = "a-real-looking-signing-secret";
        env["Slack__BotToken"] = "xoxb-1-2-3";

        var run = await HostProcess.RunAsync(dir.Path, env, ["check-config"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Configuration OK", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("Slack on; Teams off", run.Stdout, StringComparison.Ordinal);
        Assert.Equal("", run.Stderr);
    }

    [Fact]
    public async Task CheckConfigExits1WithTheSameLinesAsStartUp()
    {
        using var dir = new TempFolder();
        var env = Environment(dir);
        env["SpeBot__DefaultLocale"] = "fr";

        var run = await HostProcess.RunAsync(dir.Path, env, ["check-config"]);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("SpeBot:DefaultLocale", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
    }

    internal static Dictionary<string, string> Environment(TempFolder dir) => new()
    {
        ["Storage__Path"] = dir.File("spebot.db"),
        ["Urls"] = "http://127.0.0.1:0",
    };

    private static void AssertNoStackTrace(HostRun run)
    {
        foreach (var text in new[] { run.Stdout, run.Stderr })
        {
            Assert.DoesNotContain("Unhandled exception", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
        }
    }
}

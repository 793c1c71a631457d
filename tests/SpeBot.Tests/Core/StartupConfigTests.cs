using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Core;

/// <summary>A present-but-invalid setting stops start-up with a message naming the key; an absent platform section turns it off.</summary>
public sealed class StartupConfigTests
{
    public static TheoryData<string, string> InvalidSettings() => new()
    {
        { "Storage:BusyTimeoutMs", "5" },
        { "Storage:BusyTimeoutMs", "abc" },
        { "Storage:Path", "" },
        { "SpeBot:DefaultLocale", "fr" },
        { "SpeBot:DefaultLocale", "" },
        { "SpeBot:DefaultTimeZone", "Mars/Base" },
        { "SpeBot:ClaimExpiryDays", "0" },
        { "Outbox:MaxAttempts", "0" },
        { "Outbox:PollIntervalMs", "1" },
    };

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public void InvalidSettingStopsStartUpNamingTheKey(string key, string value)
    {
        var failures = new StartUpFailures();
        using var factory = new SpeBotFactory(null, new() { [key] = value }, failures.Register);

        var e = Record.Exception(() => factory.CreateClient());

        AssertStartUpRefused(failures.Unwrap(e), key);
    }

    [Theory]
    [InlineData("Storage:Provider", "mysql", "Storage:Provider")]
    [InlineData("Storage:Provider", "postgres", "Storage:ConnectionString must be set when Storage:Provider is postgres")]
    public void AnUnknownProviderOrPostgresWithoutAConnectionStringStopsStartUp(string key, string value, string message)
    {
        var failures = new StartUpFailures();
        using var factory = new SpeBotFactory(null, new() { [key] = value }, failures.Register);

        var e = Record.Exception(() => factory.CreateClient());

        AssertStartUpRefused(failures.Unwrap(e), message);
    }

    [Fact]
    public void ABadConnectionStringStopsStartUpWithoutEchoingThePassword()
    {
        var failures = new StartUpFailures();
        using var factory = new SpeBotFactory(null, new()
        {
            ["Storage:Provider"] = "postgres",
            ["Storage:ConnectionString"] = "Host=db;Password=hunter2-secret;Colour=blue",
        }, failures.Register);

        var e = failures.Unwrap(Record.Exception(() => factory.CreateClient()));

        AssertStartUpRefused(e, "Storage:ConnectionString is not a valid Npgsql connection string");
        Assert.DoesNotContain("hunter2-secret", e!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Slack:BotToken", "not-a-token")]
    [InlineData("Slack:SigningSecret", "")]
    [InlineData("Slack:ApiBaseUrl", "http://slack.example.com/api/")]
    [InlineData("Slack:AckBudgetMs", "3000")]
    [InlineData("Slack:AppToken", "xoxb-a-bot-token-is-not-an-app-token")]
    [InlineData("Slack:SocketPingMs", "50")]
    public void InvalidSlackSettingStopsStartUpWhenTheSectionIsPresent(string key, string value)
    {
        var failures = new StartUpFailures();
        using var factory = new SpeBotFactory(null, new()
        {
            ["Slack:SigningSecret"] = SignedSlackRequest.Secret,
            ["Slack:BotToken"] = "xoxb-test-token",
            [key] = value,
        }, failures.Register);

        var e = Record.Exception(() => factory.CreateClient());

        AssertStartUpRefused(failures.Unwrap(e), key);
    }

    [Theory]
    [InlineData("Teams:AuthorityHost", "http://login.microsoftonline.com")]
    [InlineData("Teams:AuthorityHost", "http://127.0.0.1:8080")]
    [InlineData("Teams:AuthorityHost", "login.microsoftonline.com")]
    public void InvalidTeamsSettingStopsStartUpWhenTheSectionIsPresent(string key, string value)
    {
        var failures = new StartUpFailures();
        using var factory = new SpeBotFactory(null, new()
        {
            ["Teams:AppId"] = BotFrameworkIdentity.AppId,
            ["Teams:AppPassword"] = "not-a-real-secret",
            ["Teams:TenantId"] = BotFrameworkIdentity.TenantId,
            [key] = value,
        }, failures.Register);

        var e = Record.Exception(() => factory.CreateClient());

        AssertStartUpRefused(failures.Unwrap(e), key);
    }

    [Fact]
    public void ValidSettingsStartWithoutComplaint()
    {
        // The counterpart of the theories: the same overrides with good values start fine.
        using var factory = new SpeBotFactory(null, new()
        {
            ["Storage:BusyTimeoutMs"] = "100",
            ["SpeBot:DefaultLocale"] = "ja-JP",
            ["SpeBot:DefaultTimeZone"] = "Asia/Tokyo",
            ["Outbox:MaxAttempts"] = "1",
            ["Slack:SigningSecret"] = SignedSlackRequest.Secret,
            ["Slack:BotToken"] = "xoxb-ok",
        });

        Assert.NotNull(factory.CreateClient());
    }

    [Fact]
    public async Task AbsentSlackSectionTurnsSlackOff()
    {
        using var factory = new SpeBotFactory(null);
        var client = factory.CreateClient();

        var health = JsonNode.Parse(await client.GetStringAsync("/healthz"))!;
        var events = await client.SendAsync(SignedSlackRequest.Command("help"));

        Assert.False(health["platforms"]!["slack"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.NotFound, events.StatusCode);
    }

    private static void AssertStartUpRefused(Exception? e, string key)
    {
        Assert.NotNull(e);
        Assert.True(e is OptionsValidationException or InvalidOperationException,
            $"Expected OptionsValidationException or InvalidOperationException, got {e.GetType().Name}: {e.Message}");
        Assert.Contains(key, e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// WebApplicationFactory races Program.Run: when start-up fails fast, the factory sometimes touches the
    /// already disposed host and throws ObjectDisposedException instead. The host logs the real cause first
    /// ("Hosting failed to start"), so this keeps it.
    /// </summary>
    private sealed class StartUpFailures : ILoggerProvider, ILogger
    {
        private readonly List<Exception> _errors = [];

        public void Register(IServiceCollection services) => services.AddSingleton<ILoggerProvider>(this);

        public Exception? Unwrap(Exception? thrown)
        {
            if (thrown is not ObjectDisposedException) return thrown;
            lock (_errors) return _errors.FirstOrDefault() ?? thrown;
        }

        public ILogger CreateLogger(string categoryName) => this;
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Error && exception is not null)
                lock (_errors) _errors.Add(exception);
        }

        public void Dispose() { }
    }
}

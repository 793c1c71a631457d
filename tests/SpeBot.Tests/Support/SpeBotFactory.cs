using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SpeBot.Core.Storage;

namespace SpeBot.Tests.Support;

/// <summary>
/// The real host on a temp-file SQLite database, with Slack pointed at a loopback fake. Settings go in through
/// UseSetting so Program sees them while it builds (the Slack section decides whether Slack is on).
/// </summary>
public sealed class SpeBotFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;
    private readonly bool _ownsDatabase;
    private readonly FakeSlackApi? _slack;

    /// <summary>
    /// The host on a new database of the test run's PostgreSQL server (dropped on dispose), or on a database the caller
    /// owns when <paramref name="connectionString"/> is given (two hosts on one database).
    /// </summary>
    public static SpeBotFactory OnPostgres(FakeSlackApi? slack, Dictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null, string? connectionString = null)
    {
        var owned = connectionString is null;
        var cs = connectionString ?? PostgresServer.CreateDatabase();
        var all = new Dictionary<string, string?>(settings ?? []) { ["Storage:Provider"] = "postgres", ["Storage:ConnectionString"] = cs };
        return new SpeBotFactory(slack, all, services) { PostgresConnectionString = cs, _dropPostgres = owned };
    }

    /// <summary>The host's PostgreSQL database, when it runs on one.</summary>
    public string? PostgresConnectionString { get; private init; }

    private bool _dropPostgres;

    public SpeBotFactory(FakeSlackApi? slack, Dictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null,
        string? databasePath = null)
    {
        // A path handed in belongs to the caller (restart tests reuse it across factories), so only a generated one is deleted.
        _ownsDatabase = databasePath is null;
        _slack = slack;
        DatabasePath = databasePath ?? Path.Combine(Path.GetTempPath(), $"spebot-test-{Guid.NewGuid():N}.db");
        _settings = new Dictionary<string, string?>
        {
            ["Storage:Path"] = DatabasePath,
            ["Outbox:PollIntervalMs"] = "100",
            ["Outbox:ClaimGapMs"] = "20",
            ["Outbox:ChannelIntervalMs"] = "0",
            ["Outbox:TeamsTenantIntervalMs"] = "0",
            ["Outbox:BaseBackoffMs"] = "50",
            ["Outbox:MaxBackoffMs"] = "200",
            ["Logging:LogLevel:Default"] = "Warning",
            // The playground stands in for Slack; tests turn it on where they test it.
            ["Playground:Enabled"] = "false",
        };
        if (slack is not null)
        {
            _settings["Slack:SigningSecret"] = SignedSlackRequest.Secret;
            _settings["Slack:BotToken"] = "xoxb-test-token";
            _settings["Slack:ApiBaseUrl"] = slack.BaseUrl;
            _settings["Slack:BotUserId"] = "UBOT";
        }
        foreach (var (k, v) in settings ?? []) _settings[k] = v;
        _services = services;
    }

    public string DatabasePath { get; }

    /// <summary>Reads the host's database on a connection of its own, as an operator would.</summary>
    public IReadOnlyList<T> Query<T>(string sql, object? args = null)
    {
        if (PostgresConnectionString is not null)
        {
            using var pg = new Npgsql.NpgsqlConnection(PostgresConnectionString);
            pg.Open();
            return Dapper.SqlMapper.Query<T>(pg, sql, args).ToList();
        }
        using var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={DatabasePath}");
        c.Open();
        return Dapper.SqlMapper.Query<T>(c, sql, args).ToList();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (k, v) in _settings) builder.UseSetting(k, v);
        builder.ConfigureTestServices(s =>
        {
            if (_slack is not null) s.AddSingleton<IStartupFilter>(new StrictSlackAcks(_slack));
            _services?.Invoke(s);
        });
    }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>Polls until the condition holds (outbox work happens after the ack) or fails after the timeout.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, int timeoutMs = 10_000, string? what = null)
    {
        var until = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!condition())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"Timed out waiting for {what ?? "condition"}");
            await Task.Delay(25);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (_dropPostgres && PostgresConnectionString is not null)
        {
            _dropPostgres = false;
            PostgresServer.Drop(PostgresConnectionString);
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (_ownsDatabase) DeleteDatabase(DatabasePath);
    }

    public static void DeleteDatabase(string path)
    {
        foreach (var f in new[] { path, path + "-wal", path + "-shm" })
        {
            try { File.Delete(f); } catch (IOException) { }
        }
    }
}

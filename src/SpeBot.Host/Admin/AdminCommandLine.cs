using System.Globalization;
using Dapper;
using SpeBot.Core.Outbox;
using SpeBot.Core.Storage;
using SpeBot.Host.Configuration;

namespace SpeBot.Host.Admin;

/// <summary>
/// The admin commands of the same binary (<c>dotnet SpeBot.Host.dll &lt;command&gt;</c>): they read the same configuration
/// as the bot and work on its database without starting the web host, so they run beside a running bot. Exit codes:
/// 0 done, 1 failed (the reason on stderr), 2 not a command (usage on stderr).
/// </summary>
public static class AdminCommandLine
{
    public static readonly string[] Commands = ["check-config", "migrate", "outbox", "backup", "stats", "copy-to-postgres"];

    private const string Usage = """
        Usage: dotnet SpeBot.Host.dll <command>   (or: dotnet run --project src/SpeBot.Host -- <command>)
          check-config             check the configuration and say what is on
          migrate                  apply database migrations
          outbox list [--dead]     the 50 newest pending (or dead) outbox rows
          outbox retry <id>|--dead send one dead row (or every dead row) again
          backup <file>            an online, consistent copy of the database (safe while the bot runs)
          stats                    counts of items, votes, outbox rows and the database size
          copy-to-postgres [--from <sqlite-file>] [--to <connection-string>]
                                   copy the SQLite database (default Storage:Path) into an empty PostgreSQL database
                                   (default Storage:ConnectionString; better from the environment than on the command line)
        """;

    /// <summary>The admin command in <paramref name="args"/>, if its first word is one; the rest are the host's arguments.</summary>
    public static (string[]? Command, string[] HostArgs) Split(string[] args) =>
        args is [var first, ..] && Commands.Contains(first, StringComparer.Ordinal) ? (args, []) : (null, args);

    public static async Task<int> RunAsync(WebApplication app, string[] command, TextWriter stdout, TextWriter stderr)
    {
        var problems = StartupCheck.Problems(app.Services, app.Configuration);
        if (problems.Count > 0)
        {
            StartupCheck.Print(problems, stderr);
            return 1;
        }
        try
        {
            return await RunAsync(app.Services, app.Configuration, command, stdout, stderr, CancellationToken.None);
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    /// <summary>Runs one command against the services of a built (not started) host; tests call it on a running one.</summary>
    public static async Task<int> RunAsync(IServiceProvider services, IConfiguration configuration, string[] command, TextWriter stdout,
                                           TextWriter stderr, CancellationToken ct)
    {
        var db = services.GetRequiredService<Database>();
        var migrator = services.GetRequiredService<Migrator>();
        switch (command)
        {
            case ["check-config"]:
                stdout.WriteLine($"Configuration OK. Database {db.Where()}; Slack {OnOff(configuration, "Slack")}; Teams {OnOff(configuration, "Teams")}; " +
                                 $"OTLP export {(string.IsNullOrWhiteSpace(configuration[Telemetry.TelemetryExtensions.OtlpEndpointKey]) ? "off" : "on")}.");
                return 0;
            case ["copy-to-postgres", .. var options]:
                return await CopyToPostgresAsync(services, options, stdout, stderr, ct);
            case ["migrate"]:
                var applied = await migrator.MigrateAsync(ct);
                stdout.WriteLine($"Database {db.Where()} at schema version {await migrator.CurrentVersionAsync(ct)} ({applied} migrations applied now).");
                return 0;
        }
        if ((db is SqliteDatabase sqlite && !File.Exists(sqlite.FilePath)) || !await HasSchemaAsync(db, migrator, ct))
        {
            stderr.WriteLine(db.Provider == StorageProvider.Postgres
                ? $"No SpeBot schema in {db.Where()}: check Storage:ConnectionString, or run 'migrate' to create it."
                : $"No SpeBot database at {db.Where()}: check Storage:Path, or run 'migrate' to create one.");
            return 1;
        }
        var letters = services.GetRequiredService<DeadLetters>();
        switch (command)
        {
            case ["outbox", "list"]:
            case ["outbox", "list", "--dead"]:
                return await ListAsync(letters, command.Length == 3, stdout, ct);
            case ["outbox", "retry", "--dead"]:
                stdout.WriteLine($"{await letters.RetryAllAsync(null, ct)} dead rows are pending again; the running bot sends them at its next poll.");
                return 0;
            case ["outbox", "retry", var id] when long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var rowId):
                if (await letters.RetryAsync(rowId, null, ct))
                {
                    stdout.WriteLine($"Outbox row {rowId} is pending again; the running bot sends it at its next poll.");
                    return 0;
                }
                stderr.WriteLine($"Outbox row {rowId} is not dead (or does not exist): 'outbox list --dead' lists the dead rows.");
                return 1;
            case ["backup", var file]:
                return await BackupAsync(db, file, stdout, stderr, ct);
            case ["stats"]:
                await StatsAsync(db, migrator, stdout, ct);
                return 0;
            default:
                stderr.WriteLine(Usage);
                return 2;
        }
    }

    /// <summary>
    /// Reads <c>--from</c> and <c>--to</c> (each optional, falling back to Storage:Path and Storage:ConnectionString) and
    /// runs <see cref="PostgresCopy"/>; the bot's own database service is not used, whichever provider is configured.
    /// </summary>
    private static async Task<int> CopyToPostgresAsync(IServiceProvider services, string[] options, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var storage = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<StorageOptions>>().Value;
        string? from = storage.Path, to = storage.ConnectionString;
        for (var i = 0; i < options.Length; i += 2)
        {
            switch (options[i])
            {
                case "--from" when i + 1 < options.Length:
                    from = options[i + 1];
                    break;
                case "--to" when i + 1 < options.Length:
                    to = options[i + 1];
                    break;
                default:
                    stderr.WriteLine(Usage);
                    return 2;
            }
        }
        if (string.IsNullOrWhiteSpace(to))
        {
            stderr.WriteLine("Say where to copy to: --to '<Npgsql connection string>', or Storage__ConnectionString in the environment " +
                             "(e.g. Host=db;Database=spebot;Username=spebot;Password=…), pointing at an empty database.");
            return 1;
        }
        return await new PostgresCopy(stdout, stderr).RunAsync(from, to, services.GetRequiredService<ILoggerFactory>(),
            services.GetRequiredService<TimeProvider>(), ct);
    }

    /// <summary>False before the first migration (on PostgreSQL the table itself is missing then, which is an error to query).</summary>
    private static async Task<bool> HasSchemaAsync(Database db, Migrator migrator, CancellationToken ct) =>
        (db.Provider != StorageProvider.Postgres || await migrator.HasSchemaTableAsync(ct)) && await migrator.CurrentVersionAsync(ct) > 0;

    private static string OnOff(IConfiguration configuration, string section) => configuration.GetSection(section).Exists() ? "on" : "off";

    private static async Task<int> ListAsync(DeadLetters letters, bool dead, TextWriter stdout, CancellationToken ct)
    {
        var total = await letters.CountAsync(dead, null, ct);
        var rows = await letters.ListAsync(dead, null, 50, ct);
        stdout.WriteLine($"{total} {(dead ? "dead" : "pending")} outbox {(total == 1 ? "row" : "rows")}{(total > rows.Count ? $", newest {rows.Count} shown" : "")}.");
        if (rows.Count == 0) return 0;
        stdout.WriteLine("id\tplatform\tworkspace\tchannel\tkind\tattempts\tcreated\tnext attempt\tlast error");
        foreach (var r in rows)
        {
            stdout.WriteLine(string.Join('\t', r.Id.ToString(CultureInfo.InvariantCulture), r.Platform, r.WorkspaceId.ToString(CultureInfo.InvariantCulture),
                r.ChannelId, r.Kind, r.Attempts.ToString(CultureInfo.InvariantCulture), Iso.Of(r.CreatedAt), Iso.Of(r.NextAttemptAt),
                (r.LastError ?? "").ReplaceLineEndings(" ")));
        }
        return 0;
    }

    /// <summary>
    /// VACUUM INTO reads the database in one read transaction, a consistent snapshot beside the writer (WAL lets both run),
    /// and writes a compact copy; the copy is then opened and checked before it is reported.
    /// </summary>
    internal static async Task<int> BackupAsync(Database db, string file, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        if (db.Provider != StorageProvider.Sqlite)
        {
            // VACUUM INTO is SQLite's; a PostgreSQL database is backed up by the server's own tools.
            stderr.WriteLine($"'backup' copies a SQLite database; {db.Where()} is PostgreSQL: back it up with pg_dump (or the server's backups).");
            return 1;
        }
        var target = Path.GetFullPath(file);
        if (File.Exists(target))
        {
            stderr.WriteLine($"{target} already exists: choose a new file name (a backup never overwrites).");
            return 1;
        }
        var folder = Path.GetDirectoryName(target);
        if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
        await db.ReadAsync(c => c.ExecuteAsync(new CommandDefinition("VACUUM INTO @target", new { target }, cancellationToken: ct)), ct);
        await using var copy = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={target};Mode=ReadOnly;Pooling=False");
        await copy.OpenAsync(ct);
        var integrity = await copy.ExecuteScalarAsync<string>(new CommandDefinition("PRAGMA integrity_check", cancellationToken: ct));
        if (integrity != "ok")
        {
            stderr.WriteLine($"The copy at {target} failed its integrity check ({integrity}); keep the previous backup.");
            return 1;
        }
        var version = await copy.ExecuteScalarAsync<int>(new CommandDefinition("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", cancellationToken: ct));
        stdout.WriteLine($"Backup written to {target} ({new FileInfo(target).Length:N0} bytes, schema version {version}, integrity ok).");
        return 0;
    }

    private static async Task StatsAsync(Database db, Migrator migrator, TextWriter stdout, CancellationToken ct)
    {
        var counts = await db.ReadAsync(c => c.QuerySingleAsync(new CommandDefinition("""
            SELECT (SELECT COUNT(*) FROM workspaces) AS workspaces,
                   (SELECT COUNT(*) FROM items) AS items,
                   (SELECT COUNT(*) FROM items WHERE status IN ('proposed', 'accepted', 'in_progress')) AS open_items,
                   (SELECT COUNT(*) FROM votes) AS votes,
                   (SELECT COUNT(*) FROM outbox WHERE status = 'pending') AS pending,
                   (SELECT COUNT(*) FROM outbox WHERE status = 'dead') AS dead,
                   (SELECT COUNT(*) FROM outbox WHERE status = 'sent') AS sent,
                   (SELECT MIN(created_at) FROM outbox WHERE status = 'pending') AS oldest_pending,
                   (SELECT COUNT(*) FROM inbox) AS inbox,
                   (SELECT COUNT(*) FROM schedules WHERE enabled = 1) AS schedules
            """, cancellationToken: ct)), ct);
        if (db is SqliteDatabase sqlite)
        {
            var size = new[] { sqlite.FilePath, sqlite.FilePath + "-wal" }.Where(File.Exists).Sum(f => new FileInfo(f).Length);
            stdout.WriteLine($"Database        {sqlite.FilePath} ({size:N0} bytes with its WAL), schema version {await migrator.CurrentVersionAsync(ct)}");
        }
        else
        {
            var size = await db.ReadAsync(c => c.ExecuteScalarAsync<long>(new CommandDefinition("SELECT pg_database_size(current_database())", cancellationToken: ct)), ct);
            stdout.WriteLine($"Database        {db.Where()} ({size:N0} bytes), schema version {await migrator.CurrentVersionAsync(ct)}");
        }
        stdout.WriteLine($"Workspaces      {counts.workspaces}");
        stdout.WriteLine($"Items           {counts.items} ({counts.open_items} open)");
        stdout.WriteLine($"Votes           {counts.votes}");
        stdout.WriteLine($"Outbox          {counts.pending} pending, {counts.dead} dead, {counts.sent} sent (kept for Retention:SentOutboxDays)");
        stdout.WriteLine($"Oldest pending  {counts.oldest_pending ?? "none"}");
        stdout.WriteLine($"Inbox event ids {counts.inbox} (kept for Retention:InboxDays)");
        stdout.WriteLine($"Schedules       {counts.schedules} enabled");
    }
}

using System.Reflection;
using Dapper;
using Microsoft.Extensions.Logging;

namespace SpeBot.Core.Storage;

/// <summary>
/// Applies the embedded numbered migrations of the database's provider in order, each in its own transaction; a re-run
/// changes nothing. SQLite's and PostgreSQL's folders hold the same versions and names (a test compares the schemas).
/// </summary>
public sealed partial class Migrator(Database database, TimeProvider clock, ILogger<Migrator> logger)
{
    /// <summary>The SQLite migrations (the default provider).</summary>
    public static IReadOnlyList<(int Version, string Name, string Sql)> Embedded() => Embedded(StorageProvider.Sqlite);

    public static IReadOnlyList<(int Version, string Name, string Sql)> Embedded(StorageProvider provider)
    {
        var prefix = provider == StorageProvider.Postgres ? "SpeBot.Migrations.Postgres." : "SpeBot.Migrations.Sqlite.";
        var assembly = typeof(Migrator).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n =>
            {
                var name = n[prefix.Length..^4];
                var version = int.Parse(name.Split('_')[0], System.Globalization.CultureInfo.InvariantCulture);
                using var reader = new StreamReader(assembly.GetManifestResourceStream(n)!);
                return (version, name, reader.ReadToEnd());
            })
            .OrderBy(m => m.version)
            .ToList();
    }

    public async Task<int> MigrateAsync(CancellationToken ct = default)
    {
        const string CreateTable = "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";
        var postgres = database.Provider == StorageProvider.Postgres;
        if (postgres)
        {
            // Two instances starting at once: IF NOT EXISTS is no guard against a concurrent CREATE on PostgreSQL.
            await database.WriteAsync(async (c, tx) =>
            {
                await LockAsync(c, tx, ct);
                return await c.ExecuteAsync(new CommandDefinition(CreateTable, transaction: tx, cancellationToken: ct));
            }, ct);
        }
        else
        {
            await using var connection = await database.OpenAsync(ct);
            await connection.ExecuteAsync(new CommandDefinition(CreateTable, cancellationToken: ct));
        }

        var applied = 0;
        foreach (var (version, name, sql) in Embedded(database.Provider))
        {
            var done = await database.WriteAsync(async (c, tx) =>
            {
                // Checked inside the write lock (SQLite's single writer; PostgreSQL's advisory lock, held to the commit) so two
                // starting instances cannot both apply one version.
                if (postgres) await LockAsync(c, tx, ct);
                var exists = await c.ExecuteScalarAsync<long>(new CommandDefinition(
                    "SELECT COUNT(*) FROM schema_migrations WHERE version = @version", new { version }, tx, cancellationToken: ct));
                if (exists > 0) return false;
                await c.ExecuteAsync(new CommandDefinition(sql, transaction: tx, cancellationToken: ct));
                await c.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@version, @name, @at)",
                    new { version, name, at = Iso.Of(clock.GetUtcNow()) }, tx, cancellationToken: ct));
                return true;
            }, ct);
            if (done)
            {
                applied++;
                LogApplied(version, name);
            }
        }
        return applied;
    }

    private static Task LockAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction tx, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(@key)", new { key = AdvisoryLocks.Migrate }, tx, cancellationToken: ct));

    /// <summary>False on a database no migration has touched yet (it has no schema_migrations table).</summary>
    public async Task<bool> HasSchemaTableAsync(CancellationToken ct = default) =>
        await database.ReadAsync(c => c.ExecuteScalarAsync<long>(new CommandDefinition(database.Provider == StorageProvider.Postgres
            ? "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_migrations'"
            : "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'", cancellationToken: ct)), ct) > 0;

    public async Task<int> CurrentVersionAsync(CancellationToken ct = default) =>
        await database.ReadAsync(c => c.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", cancellationToken: ct)), ct);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied migration {Version} ({Name})")]
    private partial void LogApplied(int version, string name);
}

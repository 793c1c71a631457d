using System.Reflection;
using Dapper;
using Microsoft.Extensions.Logging;

namespace SpeBot.Core.Storage;

/// <summary>Applies the embedded numbered migrations in order, each in its own transaction; a re-run changes nothing.</summary>
public sealed partial class Migrator(Database database, TimeProvider clock, ILogger<Migrator> logger)
{
    private const string Prefix = "SpeBot.Migrations.Sqlite.";

    public static IReadOnlyList<(int Version, string Name, string Sql)> Embedded()
    {
        var assembly = typeof(Migrator).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n =>
            {
                var name = n[Prefix.Length..^4];
                var version = int.Parse(name.Split('_')[0], System.Globalization.CultureInfo.InvariantCulture);
                using var reader = new StreamReader(assembly.GetManifestResourceStream(n)!);
                return (version, name, reader.ReadToEnd());
            })
            .OrderBy(m => m.version)
            .ToList();
    }

    public async Task<int> MigrateAsync(CancellationToken ct = default)
    {
        await using (var connection = await database.OpenAsync(ct))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
                cancellationToken: ct));
        }

        var applied = 0;
        foreach (var (version, name, sql) in Embedded())
        {
            var done = await database.WriteAsync(async (c, tx) =>
            {
                // Checked inside the write lock so two starting instances cannot both apply one version.
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

    public async Task<int> CurrentVersionAsync(CancellationToken ct = default) =>
        await database.ReadAsync(c => c.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", cancellationToken: ct)), ct);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied migration {Version} ({Name})")]
    private partial void LogApplied(int version, string name);
}

using Dapper;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SpeBot.Core.Storage;

namespace SpeBot.Host.Health;

/// <summary>
/// Ready when the database answers and its schema is the one this build expects (every embedded migration applied).
/// A schema behind the build means migrations have not run yet (or failed); ahead of it, a newer build migrated it and
/// this one must not write. The description says which, never an exception's text (it may name paths).
/// </summary>
internal sealed class DatabaseReadiness(Database db, Migrator migrator) : IHealthCheck
{
    private static readonly int Expected = Migrator.Embedded().Max(m => m.Version);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        int version;
        try
        {
            // A database no migration has touched yet has no schema_migrations table: version 0, reachable.
            var migrated = await db.ReadAsync(c => c.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'", cancellationToken: cancellationToken)), cancellationToken);
            version = migrated == 0 ? 0 : await migrator.CurrentVersionAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("database unreachable");
        }
        return version == Expected
            ? HealthCheckResult.Healthy($"schema version {version}")
            : HealthCheckResult.Unhealthy(version < Expected
                ? $"schema version {version}, this build needs {Expected}: migrations not applied"
                : $"schema version {version} is newer than this build's {Expected}");
    }
}

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
    private readonly int Expected = Migrator.Embedded(db.Provider).Max(m => m.Version);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        int version;
        try
        {
            // A database no migration has touched yet has no schema_migrations table: version 0, reachable.
            version = await migrator.HasSchemaTableAsync(cancellationToken) ? await migrator.CurrentVersionAsync(cancellationToken) : 0;
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

using SpeBot.Core.Items;
using SpeBot.Core.Storage;

namespace SpeBot.Host.Jobs;

/// <summary>Applies migrations before anything else starts (registered as the first hosted service).</summary>
internal sealed partial class DatabaseStartup(Migrator migrator, Database database, ItemQueries queries, ILogger<DatabaseStartup> log) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var applied = await migrator.MigrateAsync(cancellationToken);
        // Fills base_score after migration 0004 and whenever SpeBot:Score weights changed, before the first `top`.
        await queries.EnsureScoreBasisAsync(cancellationToken);
        LogReady(database.Where(), await migrator.CurrentVersionAsync(cancellationToken), applied);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Database {Path} at schema version {Version} ({Applied} migrations applied now)")]
    private partial void LogReady(string path, int version, int applied);
}

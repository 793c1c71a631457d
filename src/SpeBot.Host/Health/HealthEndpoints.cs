using SpeBot.Core.Storage;

namespace SpeBot.Host.Health;

public static class HealthEndpoints
{
    public static IServiceCollection AddSpeBotHealth(this IServiceCollection services)
    {
        services.AddSingleton<PlatformStatus>();
        services.AddSingleton<OutboxBacklog>();
        return services;
    }

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", async (Migrator migrator, OutboxBacklog outbox, PlatformStatus platforms, CancellationToken ct) =>
        {
            try
            {
                var version = await migrator.CurrentVersionAsync(ct);
                var stats = await outbox.GetAsync(ct);
                return Results.Json(new HealthReport("ok", new DatabaseHealth(true, version),
                    new PlatformsHealth(platforms.Slack, platforms.Teams), new OutboxHealth(stats.Pending, stats.Dead)));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return Results.Json(new HealthReport("unavailable", new DatabaseHealth(false, null),
                    new PlatformsHealth(platforms.Slack, platforms.Teams), null), statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        });
        return app;
    }

    internal sealed record HealthReport(string Status, DatabaseHealth Database, PlatformsHealth Platforms, OutboxHealth? Outbox);

    internal sealed record DatabaseHealth(bool Reachable, int? SchemaVersion);

    internal sealed record PlatformsHealth(bool Slack, bool Teams);

    /// <summary>
    /// Backlog is rows still to send; dead rows gave up and need a look (their last_error says why). Counted at most
    /// every two seconds (<see cref="OutboxBacklog"/>).
    /// </summary>
    internal sealed record OutboxHealth(long Backlog, long Dead);
}

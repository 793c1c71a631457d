using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SpeBot.Core.Storage;

namespace SpeBot.Host.Health;

public static class HealthEndpoints
{
    public static IServiceCollection AddSpeBotHealth(this IServiceCollection services)
    {
        services.AddSingleton<PlatformStatus>();
        services.AddSingleton<OutboxBacklog>();
        // Readiness: every check tagged "ready" (the database here; Socket Mode adds its connection when configured).
        services.AddHealthChecks().AddCheck<DatabaseReadiness>("database", tags: [ReadyTag]);
        return services;
    }

    public const string ReadyTag = "ready";

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        // /healthz is liveness (the process answers); /readyz says whether to send it traffic: 503 until every
        // "ready"-tagged check passes.
        app.MapHealthChecks("/readyz", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = WriteReadinessAsync,
        });
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

    private static Task WriteReadinessAsync(HttpContext http, Microsoft.Extensions.Diagnostics.HealthChecks.HealthReport report)
    {
        http.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status == HealthStatus.Healthy ? "ready" : "unavailable",
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString().ToLowerInvariant(), description = e.Value.Description }),
        };
        return http.Response.WriteAsync(JsonSerializer.Serialize(body, JsonSerializerOptions.Web));
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

using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using System.Text.Json.Serialization;
using SpeBot.Host.Slack;

namespace SpeBot.Host.Health;

public static class HealthEndpoints
{
    public static IServiceCollection AddSpeBotHealth(this IServiceCollection services)
    {
        services.AddSingleton<PlatformStatus>();
        services.AddSingleton<OutboxBacklog>();
        services.AddSingleton<SchemaProbe>();
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
        app.MapGet("/healthz", async (HttpContext http, SchemaProbe schema, OutboxBacklog outbox, PlatformStatus status, CancellationToken ct) =>
        {
            var platforms = Platforms(status, http.RequestServices.GetService<SocketModeStatus>());
            try
            {
                // Both read the database at most every two seconds, shared by every probe in between.
                var version = await schema.VersionAsync(ct);
                var stats = await outbox.GetAsync(ct);
                return Results.Json(new HealthReport("ok", new DatabaseHealth(true, version),
                    platforms, new OutboxHealth(stats.Pending, stats.Dead)));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return Results.Json(new HealthReport("unavailable", new DatabaseHealth(false, null),
                    platforms, null), statusCode: StatusCodes.Status503ServiceUnavailable);
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

    private static PlatformsHealth Platforms(PlatformStatus status, SocketModeStatus? socket) =>
        new(status.Slack, status.Teams, status.SlackTransport,
            status.SlackTransport == "socket" && socket is not null ? new SlackSocketHealth(socket.Connected, socket.Open, socket.StoppedBecause) : null);

    /// <summary>SlackTransport is "http" or "socket" (left out with Slack off); SlackSocket is there for Socket Mode only.</summary>
    internal sealed record PlatformsHealth(bool Slack, bool Teams,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SlackTransport,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] SlackSocketHealth? SlackSocket);

    /// <summary>Open counts sockets that said hello (two for a moment during a refresh); StoppedBecause is why SpeBot gave up.</summary>
    internal sealed record SlackSocketHealth(bool Connected, int Open, string? StoppedBecause);

    /// <summary>
    /// Backlog is rows still to send; dead rows gave up and need a look (their last_error says why). Counted at most
    /// every two seconds (<see cref="OutboxBacklog"/>).
    /// </summary>
    internal sealed record OutboxHealth(long Backlog, long Dead);
}

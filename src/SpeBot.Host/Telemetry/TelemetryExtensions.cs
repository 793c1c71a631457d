using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace SpeBot.Host.Telemetry;

/// <summary>
/// OpenTelemetry for SpeBot: metrics always (Prometheus text at /metrics, and OTLP when the standard
/// OTEL_EXPORTER_OTLP_ENDPOINT is set); traces only while something exports them (OTLP, or a test's in-memory exporter),
/// so a bot that exports nothing pays nothing for spans. No attribute carries user text or a secret: SpeBot's spans tag
/// ids, verbs and outcomes; URLs lose their query (the instrumentation's default) and, outside the Slack Web API and the
/// Bot Connector, their path (a Slack response_url or upload URL is a bearer secret).
/// </summary>
public static class TelemetryExtensions
{
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Every meter SpeBot reads: its own, the storage group-commit counters, and the HTTP instrumentation's.</summary>
    public static readonly string[] Meters = [SpeBot.Core.Telemetry.Name, "SpeBot.Storage"];

    /// <summary>
    /// ASP.NET Core's and HttpClient's meters, named rather than taken whole from the instrumentation packages: those also
    /// add routing's match-attempt counter, rate limiting, SignalR and name resolution, which cost a measurement per
    /// request and say nothing a bot operator reads. Request durations (http.server/http.client.request.duration) and
    /// Kestrel's connections stay.
    /// </summary>
    public static readonly string[] PlatformMeters = ["Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Net.Http"];

    /// <summary>
    /// Up-down counters of requests in flight: two measurements per request (start and end) for a number the request
    /// durations and SpeBot's own ack histogram already show. Dropped, so the framework does not record them at all.
    /// </summary>
    public static readonly string[] DroppedInstruments = ["http.server.active_requests", "http.client.active_requests"];

    private static readonly string[] Unprobed = ["/healthz", "/readyz", "/metrics"];

    public static WebApplicationBuilder AddTelemetry(this WebApplicationBuilder builder)
    {
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointKey]);
        builder.Services.AddSingleton<OutboxGauges>();
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("spebot"))
            .WithMetrics(m =>
            {
                m.AddMeter(Meters).AddMeter(PlatformMeters).AddPrometheusExporter();
                foreach (var name in DroppedInstruments) m.AddView(name, MetricStreamConfiguration.Drop);
                if (otlp) m.AddOtlpExporter();
            });
        // Traces and metrics only: log records stay on the console, since a log message may quote what someone typed.
        if (otlp) otel.WithTracing(t => t.AddSpeBotTracing().AddOtlpExporter());
        return builder;
    }

    /// <summary>SpeBot's spans and the ASP.NET Core and HttpClient ones, with the redaction above. Tests call it too.</summary>
    public static TracerProviderBuilder AddSpeBotTracing(this TracerProviderBuilder t) => t
        .AddSource(SpeBot.Core.Telemetry.Name)
        .AddAspNetCoreInstrumentation(o => o.Filter = http => !Unprobed.Contains(http.Request.Path.Value, StringComparer.OrdinalIgnoreCase))
        .AddHttpClientInstrumentation(o => o.EnrichWithHttpRequestMessage = (span, request) => Redact(span, request.RequestUri));

    /// <summary>/metrics (Prometheus text); the outbox gauges are created here, as the endpoint appears.</summary>
    public static WebApplication MapTelemetry(this WebApplication app)
    {
        app.Services.GetRequiredService<OutboxGauges>();
        app.UseMiddleware<PlatformRequestMetrics>();
        app.MapPrometheusScrapingEndpoint();
        return app;
    }

    internal static void Redact(Activity span, Uri? uri)
    {
        if (uri is null) return;
        var path = uri.AbsolutePath;
        if (path.StartsWith("/api/", StringComparison.Ordinal) || path.StartsWith("/v3/", StringComparison.Ordinal)) return;
        span.SetTag("url.full", $"{uri.Scheme}://{uri.Authority}/REDACTED");
        span.SetTag("url.path", "/REDACTED");
    }
}

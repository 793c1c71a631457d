using System.Diagnostics.Metrics;
using SpeBot.Host.Health;

namespace SpeBot.Host.Telemetry;

/// <summary>
/// The outbox as gauges: rows still to send, rows dead-lettered, and how long the oldest due row has waited since it
/// was queued. Read at each collection (a scrape) from the shared count /healthz uses, recounted at most every 2 s.
/// </summary>
internal sealed class OutboxGauges
{
    public OutboxGauges(OutboxBacklog backlog, TimeProvider clock, IMeterFactory meters)
    {
        var meter = meters.Create(SpeBot.Core.Telemetry.Name);
        meter.CreateObservableGauge("spebot.outbox.backlog", () => Read(backlog)?.Pending ?? 0, "{message}", "Outbox rows still to send");
        meter.CreateObservableGauge("spebot.outbox.dead_rows", () => Read(backlog)?.Dead ?? 0, "{message}",
            "Outbox rows dead-lettered (outbox list --dead, outbox retry)");
        meter.CreateObservableGauge("spebot.outbox.oldest_age", () =>
            Read(backlog)?.OldestDueAt is { } at ? Math.Max(0, (clock.GetUtcNow() - at).TotalSeconds) : 0,
            "s", "How long the oldest due outbox row has waited since it was queued");
    }

    /// <summary>Collection callbacks are synchronous; a failed count reports nothing rather than failing the scrape.</summary>
    private static SpeBot.Core.Outbox.OutboxStats? Read(OutboxBacklog backlog)
    {
        try
        {
            return backlog.GetAsync(CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (Exception)
        {
            return null;
        }
    }
}

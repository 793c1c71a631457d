using SpeBot.Core.Outbox;

namespace SpeBot.Host.Health;

/// <summary>
/// The outbox counts /healthz and the outbox gauges report, recounted at most every <see cref="MaxAge"/>. Counting is a
/// scan of the pending rows: over a backlog of 100,000 it costs milliseconds.
/// </summary>
public sealed class OutboxBacklog(OutboxStore outbox, TimeProvider clock)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(2);
    private readonly Recent<OutboxStats> _stats = new(() => outbox.StatsAsync(CancellationToken.None), clock, MaxAge);

    public Task<OutboxStats> GetAsync(CancellationToken ct) => _stats.GetAsync(ct);
}

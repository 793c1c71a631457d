using SpeBot.Core.Outbox;

namespace SpeBot.Host.Health;

/// <summary>
/// The outbox counts /healthz reports, recounted at most every <see cref="MaxAge"/>. Counting is a scan of the pending
/// rows: over a backlog of 100,000 it costs milliseconds, and probes arriving many times a second (load balancers,
/// orchestrators, dashboards) would each pay it exactly when the bot is busiest. Concurrent probes share one count.
/// </summary>
public sealed class OutboxBacklog(OutboxStore outbox, TimeProvider clock)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(2);
    private Counted? _last;

    public Task<OutboxStats> GetAsync(CancellationToken ct)
    {
        var now = clock.GetTimestamp();
        var last = Volatile.Read(ref _last);
        if (last is not null && !last.Stats.IsFaulted && !last.Stats.IsCanceled && clock.GetElapsedTime(last.At, now) < MaxAge)
            return last.Stats.WaitAsync(ct);
        // No caller's token on the shared count: one probe giving up must not fail the others waiting on it.
        var fresh = new Counted(outbox.StatsAsync(CancellationToken.None), now);
        var won = Interlocked.CompareExchange(ref _last, fresh, last) == last ? fresh : Volatile.Read(ref _last)!;
        return won.Stats.WaitAsync(ct);
    }

    private sealed record Counted(Task<OutboxStats> Stats, long At);
}

namespace SpeBot.Host.Health;

/// <summary>
/// A value read at most every <c>maxAge</c>: probes arriving many times a second (load balancers, orchestrators,
/// dashboards, the benchmark) share one read instead of each paying it exactly when the bot is busiest. A read that
/// failed or was cancelled is not kept, so the next probe reads again.
/// </summary>
internal sealed class Recent<T>(Func<Task<T>> read, TimeProvider clock, TimeSpan maxAge)
{
    private Entry? _last;

    public Task<T> GetAsync(CancellationToken ct)
    {
        var now = clock.GetTimestamp();
        var last = Volatile.Read(ref _last);
        if (last is not null && !last.Value.IsFaulted && !last.Value.IsCanceled && clock.GetElapsedTime(last.At, now) < maxAge)
            return last.Value.WaitAsync(ct);
        // No caller's token on the shared read: one probe giving up must not fail the others waiting on it.
        var fresh = new Entry(read(), now);
        var won = Interlocked.CompareExchange(ref _last, fresh, last) == last ? fresh : Volatile.Read(ref _last)!;
        return won.Value.WaitAsync(ct);
    }

    private sealed record Entry(Task<T> Value, long At);
}

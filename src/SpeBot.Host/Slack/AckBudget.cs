namespace SpeBot.Host.Slack;

/// <summary>
/// Slack gives up on a request after 3 s. The handler runs detached from the request (an aborted connection must
/// not undo a write): if it is still working when the budget ends, the caller acks anyway and
/// <see cref="LateWork"/> finishes it, shutdown included.
/// </summary>
public sealed class AckBudget(TimeProvider clock)
{
    public async Task<(bool InTime, Task<T> Work)> RunAsync<T>(Func<CancellationToken, Task<T>> work, TimeSpan budget)
    {
        var task = work(CancellationToken.None);
        if (task.IsCompleted) return (true, task);
        using var timeout = new CancellationTokenSource(budget, clock);
        var winner = await Task.WhenAny(task, Task.Delay(Timeout.InfiniteTimeSpan, timeout.Token));
        return (winner == task, task);
    }
}

/// <summary>Work that outlived its ack; shutdown waits for it so nothing half-done is dropped.</summary>
public sealed class LateWork(ILogger<LateWork> log) : IHostedService
{
    private readonly HashSet<Task> _running = [];
    private readonly Lock _gate = new();

    public void Track(Task task)
    {
        lock (_gate) _running.Add(task);
        task.ContinueWith(t =>
        {
            lock (_gate) _running.Remove(t);
            if (t.Exception is not null) log.LogError(t.Exception, "Work that finished after its ack failed");
        }, TaskScheduler.Default);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Task[] running;
        lock (_gate) running = [.. _running];
        return Task.WhenAll(running).WaitAsync(cancellationToken);
    }
}

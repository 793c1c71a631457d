using SpeBot.Core.Storage;

namespace SpeBot.Core.Items;

/// <summary>
/// Group commit for proposals on PostgreSQL. Item numbers are gap-free per workspace, so a proposal holds its workspace's
/// number lock (<see cref="AdvisoryLocks.ItemNumber"/>) until its commit is flushed: one transaction per proposal would
/// let one workspace take one proposal per WAL flush, whichever number of instances (measured: about 150 to 1,000 a
/// second here, below Bolt for JS on SQLite). So proposals that arrive while a batch is being written wait, and the next
/// batch writes them all in one transaction: one lock, one flush, each proposal acked after it, as SQLite's writer does
/// for every write. Instances still take turns on a workspace's lock, a batch at a time. A batch that fails is written
/// again one proposal per transaction, so one bad proposal fails alone. SQLite needs none of this: its writer already
/// commits in groups.
/// </summary>
public sealed class ProposalBatch(Database db)
{
    /// <summary>Proposals per transaction at most: bounds how long one batch holds its workspaces' number locks.</summary>
    public const int MaxBatch = 256;

    private readonly Lock _gate = new();
    private readonly List<Pending> _queue = [];
    private bool _draining;

    /// <summary>Runs <paramref name="work"/> in the next batch's transaction and returns its result once that is committed.</summary>
    public async Task<T> RunAsync<T>(long workspaceId, Func<System.Data.Common.DbConnection, System.Data.Common.DbTransaction, Task<T>> work,
                                     CancellationToken ct)
    {
        var pending = new Pending(workspaceId, async (c, tx) => await work(c, tx));
        bool lead;
        lock (_gate)
        {
            _queue.Add(pending);
            lead = !_draining;
            _draining = true;
        }
        // The first proposal to find no batch running starts the loop on the pool, so its own ack does not wait for batches
        // that arrive after it.
        if (lead) _ = Task.Run(DrainAsync, CancellationToken.None);
        return (T)(await pending.Done.Task.WaitAsync(ct))!;
    }

    private async Task DrainAsync()
    {
        while (true)
        {
            List<Pending> batch;
            lock (_gate)
            {
                if (_queue.Count == 0)
                {
                    _draining = false;
                    return;
                }
                var n = Math.Min(MaxBatch, _queue.Count);
                batch = _queue.GetRange(0, n);
                _queue.RemoveRange(0, n);
            }
            // Workspace order, so two instances' batches take the number locks in one order and never deadlock; within a
            // workspace, arrival order (a stable sort), so numbers follow the order proposals came in.
            batch = [.. batch.OrderBy(p => p.WorkspaceId)];
            try
            {
                var results = await db.WriteAsync(async (c, tx) =>
                {
                    var done = new object?[batch.Count];
                    for (var i = 0; i < batch.Count; i++) done[i] = await batch[i].Work(c, tx);
                    return done;
                }, CancellationToken.None);
                for (var i = 0; i < batch.Count; i++) batch[i].Done.TrySetResult(results[i]);
            }
            catch (Exception) when (batch.Count > 1)
            {
                // Rolled back whole: each proposal again on its own, so only the one that fails reports it.
                foreach (var p in batch) await AloneAsync(p);
            }
            catch (Exception e)
            {
                batch[0].Done.TrySetException(e);
            }
        }
    }

    private async Task AloneAsync(Pending p)
    {
        try
        {
            p.Done.TrySetResult(await db.WriteAsync(p.Work, CancellationToken.None));
        }
        catch (Exception e)
        {
            p.Done.TrySetException(e);
        }
    }

    private sealed record Pending(long WorkspaceId, Func<System.Data.Common.DbConnection, System.Data.Common.DbTransaction, Task<object?>> Work)
    {
        public TaskCompletionSource<object?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

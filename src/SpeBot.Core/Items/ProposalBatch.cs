using SpeBot.Core.Outbox;
using SpeBot.Core.Storage;

namespace SpeBot.Core.Items;

/// <summary>
/// Group commit for proposals on PostgreSQL. Item numbers are gap-free per workspace, so the proposals of a workspace
/// take turns on its number lock (<see cref="AdvisoryLocks.ItemNumber"/>) from reading the number to the commit: one
/// transaction per proposal lets a workspace take one proposal per turn of four statements and a commit, each a round
/// trip (and the WAL flush while the lock was held to it), whichever number of instances (measured on the 2-core
/// benchmark machine: about 130 to 190 a second, below Bolt for JS on SQLite). So proposals that arrive while a batch
/// is being written wait, and the next batch writes them all in one transaction: one lock and one statement per
/// workspace (<see cref="ItemStore.CreateManyAsync"/>), one WAL flush, each proposal acked after it, as SQLite's writer
/// does for every write. The next batch starts as soon as the previous one's statements are done, so one batch's flush
/// and acks overlap the next one's statements. Instances take turns on a workspace's lock, a batch at a time. A batch
/// that fails is written again one proposal per transaction, so one bad proposal fails alone. SQLite needs none of
/// this: its writer already commits in groups.
/// </summary>
public sealed class ProposalBatch(Database db, ItemStore items, Func<Platform, NewItem, string, Task<(Item Item, bool Created)>> alone)
{
    /// <summary>Proposals per transaction at most: bounds how long one batch holds its workspaces' number locks.</summary>
    public const int MaxBatch = 512;

    private readonly Lock _gate = new();
    private readonly List<Pending> _queue = [];
    private bool _draining;
    // Held from taking a batch until it has committed: the next batch is taken then and sent while that one's WAL flush
    // and acks go on. One batch at a time from taking to the flush left the server idle during every flush and the bot
    // idle during every batch (a third of both cores in the benchmark).
    private readonly SemaphoreSlim _turn = new(1, 1);

    /// <summary>Writes the proposal in the next batch; returns once that batch is committed.</summary>
    public async Task<(Item Item, bool Created)> SubmitAsync(Platform platform, NewItem item, string cardChannelId, CancellationToken ct)
    {
        var pending = new Pending(platform, item, cardChannelId, OutboxBulk.TraceParent());
        bool lead;
        lock (_gate)
        {
            _queue.Add(pending);
            lead = !_draining;
            _draining = true;
        }
        // The first proposal to find no batch running starts the loop on the pool, so its own ack does not wait for
        // batches that arrive after it.
        if (lead) _ = Task.Run(DrainAsync, CancellationToken.None);
        return await pending.Done.Task.WaitAsync(ct);
    }

    private async Task DrainAsync()
    {
        while (true)
        {
            await _turn.WaitAsync();
            List<Pending> batch;
            lock (_gate)
            {
                if (_queue.Count == 0)
                {
                    _draining = false;
                    _turn.Release();
                    return;
                }
                var n = Math.Min(MaxBatch, _queue.Count);
                batch = _queue.GetRange(0, n);
                _queue.RemoveRange(0, n);
            }
            _ = Task.Run(() => RunAsync(batch), CancellationToken.None);
        }
    }

    private async Task RunAsync(List<Pending> batch)
    {
        var turn = 1;
        void PassTurn()
        {
            if (Interlocked.Exchange(ref turn, 0) == 1) _turn.Release();
        }
        try
        {
            // Workspace order, so two instances' batches take the number locks in one order and never deadlock; within a
            // workspace, arrival order, so numbers follow the order proposals came in.
            var groups = batch.Select((p, i) => (p, i)).GroupBy(x => x.p.Item.WorkspaceId).OrderBy(g => g.Key)
                .Select(g => (Members: g.ToList(), Write: items.CreateMany(g.Key, [.. g.Select(x => x.p.Item)],
                    [.. g.Select(x => new ItemStore.CardPost(x.p.Platform, x.p.CardChannelId, x.p.TraceParent))])))
                .ToList();
            // The next batch may take its turn once this one has committed, while this one's WAL flush and acks go on.
            var rows = new List<List<(long Id, long Number)>>();
            await ((PostgresDatabase)db).WriteInOneTripAsync(() =>
            {
                rows.Clear();
                return [.. groups.SelectMany(g => g.Write.Commands())];
            }, r => ReadRowsAsync(r, rows),
                PassTurn, CancellationToken.None);
            for (var k = 0; k < groups.Count; k++)
            {
                var created = groups[k].Write.Items(rows[k]);
                for (var m = 0; m < groups[k].Members.Count; m++) groups[k].Members[m].p.Done.TrySetResult((created[m], true));
            }
        }
        catch (Exception) when (batch.Count > 1 && Volatile.Read(ref turn) == 1)
        {
            PassTurn();
            // Rolled back whole: each proposal again on its own, so only the one that fails reports it.
            foreach (var p in batch) await AloneAsync(p);
        }
        catch (Exception e)
        {
            // One proposal, or a batch that committed and then lost its connection before the flush answered: its items
            // are stored (unless the server lost its newest WAL with it), so they are not written again, only reported.
            PassTurn();
            foreach (var p in batch) p.Done.TrySetException(e);
        }
    }

    /// <summary>Adds the (id, number) rows of a workspace's insert to <paramref name="sets"/>; the other statements return other columns.</summary>
    private static async Task ReadRowsAsync(Npgsql.NpgsqlDataReader reader, List<List<(long Id, long Number)>> sets)
    {
        if (reader.FieldCount != 2 || reader.GetName(0) != "id") return;
        var rows = new List<(long Id, long Number)>();
        while (await reader.ReadAsync()) rows.Add((reader.GetInt64(0), reader.GetInt64(1)));
        sets.Add(rows);
    }

    private async Task AloneAsync(Pending p)
    {
        try
        {
            p.Done.TrySetResult(await alone(p.Platform, p.Item, p.CardChannelId));
        }
        catch (Exception e)
        {
            p.Done.TrySetException(e);
        }
    }

    private sealed record Pending(Platform Platform, NewItem Item, string CardChannelId, string? TraceParent)
    {
        public TaskCompletionSource<(Item Item, bool Created)> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

using System.Numerics;
using System.Text;
using Dapper;
using SpeBot.Core.Storage;

namespace SpeBot.Core.Items;

/// <summary>
/// An in-process copy of every item's title and detail (lower-cased UTF-8), for <c>search</c>. Substring matching (so
/// Japanese, which has no spaces, is found) cannot use a B-tree index, and SQL that lower-cases and scans every row
/// cost about 0.5 µs of CPU per item (50 ms at 100k items); this copy never touches the write path. Titles and details
/// never change after the insert and items are never deleted, so the copy only grows: each search first reads the rows
/// inserted since the last one (by id; SQLite hands out ids in commit order because one writer holds the lock for the
/// whole transaction; PostgreSQL does not, see <see cref="RefreshPostgresAsync"/>).
/// A search that matches little would still test every text (3 ms at 100k items, linear), so each item's byte pairs are
/// also kept as bits, sliced by pair: row h holds one bit per item, set when the item's text has a byte pair hashing to
/// h. An item can contain a word only if it has every row of the word's pairs, so ANDing those rows, 64 items per
/// machine word, leaves the few candidates to test (64 bytes per item; a miss costs microseconds at 100k items).
/// </summary>
public sealed class SearchText(Database db, TimeSpan? idToXidGrace = null)
{
    private const int PairBits = 9;
    private const int PairRows = 1 << PairBits;       // about 10 % of a typical item's 512 bits are set
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<(long Id, long WorkspaceId, byte[] Text)> _items = [];
    private readonly ulong[][] _pairs = Enumerable.Range(0, PairRows).Select(_ => new ulong[1]).ToArray();
    private long _lastId;
    // PostgreSQL only: ids above _lastId already copied, the snapshots that will let _lastId move on, and how many items
    // arrived after one with a higher id (each can push one newer match out of a cut, so a search looks that much further).
    private readonly HashSet<long> _recent = [];
    private readonly List<Horizon> _horizons = [];
    private long _maxId;
    private int _late;

    /// <summary>
    /// Longest time an INSERT can take between drawing an item id from the sequence and taking its transaction id (the
    /// same statement, microseconds apart; PostgreSQL does not give a transaction an id for drawing from a sequence).
    /// </summary>
    public static readonly TimeSpan IdToXidGrace = TimeSpan.FromSeconds(5);
    private readonly double _graceSeconds = (idToXidGrace ?? IdToXidGrace).TotalSeconds;

    /// <summary>One refresh's snapshot: when (server clock, seconds), its xmax, and the highest item id visible in it.</summary>
    private readonly record struct Horizon(double At, long Xmax, long MaxId);

    /// <summary>Ids of the newest items (highest id first) in the workspace whose text contains every word, at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<long>> FindAsync(long workspaceId, IReadOnlyList<string> words, int limit, CancellationToken ct = default)
    {
        var needles = words.Select(w => Encoding.UTF8.GetBytes(w.ToLowerInvariant())).ToArray();
        await _gate.WaitAsync(ct);
        try
        {
            if (db.Provider == StorageProvider.Postgres)
            {
                await RefreshPostgresAsync(ct);
            }
            else
            {
                var fresh = await db.ReadAsync(c => c.QueryAsync<(long Id, long WorkspaceId, string Title, string? Detail)>(new CommandDefinition(
                    "SELECT id, workspace_id, title, detail FROM items WHERE id > @lastId ORDER BY id", new { lastId = _lastId }, cancellationToken: ct)), ct);
                foreach (var row in fresh)
                {
                    Add(row.Id, row.WorkspaceId, row.Title, row.Detail);
                    _lastId = row.Id;
                }
            }
            // Positions are arrival order, which is id order but for the late arrivals: looking _late matches further and
            // keeping the highest ids still yields exactly the newest `limit` (each late item can displace one newer match).
            var want = limit + _late;
            var rows = needles.SelectMany(PairsOf).Distinct().Select(h => _pairs[h]).ToArray();
            var found = new List<long>();
            if (rows.Length == 0)
            {
                // Words of one byte have no pair: every item is a candidate.
                for (var i = _items.Count - 1; i >= 0 && found.Count < want; i--)
                    if (Matches(i, workspaceId, needles)) found.Add(_items[i].Id);
                return Newest(found, limit);
            }
            for (var w = (_items.Count - 1) >> 6; w >= 0 && found.Count < want; w--)
            {
                var candidates = ulong.MaxValue;
                foreach (var row in rows) candidates &= row[w];
                while (candidates != 0 && found.Count < want)
                {
                    var bit = 63 - BitOperations.LeadingZeroCount(candidates);   // newest first
                    candidates &= ~(1UL << bit);
                    var i = (w << 6) + bit;
                    if (Matches(i, workspaceId, needles)) found.Add(_items[i].Id);
                }
            }
            return Newest(found, limit);
        }
        finally
        {
            _gate.Release();
        }
    }

    private IReadOnlyList<long> Newest(List<long> found, int limit) =>
        _late == 0 ? found : found.OrderByDescending(id => id).Take(limit).ToList();

    /// <summary>
    /// PostgreSQL hands out item ids when an INSERT runs, not when it commits, so a transaction that drew id 7 may commit
    /// after one that drew id 8 (two instances, or two requests of one): reading "id &gt; the last id seen" would skip 7 for
    /// good. So the copy is complete only up to <c>_lastId</c>, and each refresh re-reads the ids above it (skipping those
    /// already copied). <c>_lastId</c> moves up to the highest id an earlier refresh's snapshot S saw once every
    /// transaction that could still add a lower id has ended: such a transaction drew its id before S, so it had a
    /// transaction id below S's xmax (or took one within <see cref="IdToXidGrace"/>: a later snapshot S', taken that long
    /// after S, stands in for it), and once the oldest running transaction (the current xmin) is past S'.xmax, all of
    /// them have committed or rolled back. The window re-read is the items of the last few seconds.
    /// </summary>
    private async Task RefreshPostgresAsync(CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        // One snapshot for both statements: the horizon describes exactly the rows read.
        await using var tx = await c.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        var (xmin, xmax, at) = await c.QuerySingleAsync<(long, long, double)>(new CommandDefinition("""
            SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint, pg_snapshot_xmax(pg_current_snapshot())::text::bigint,
                   extract(epoch FROM clock_timestamp())::float8
            """, transaction: tx, cancellationToken: ct));
        var fresh = await c.QueryAsync<(long Id, long WorkspaceId, string Title, string? Detail)>(new CommandDefinition(
            "SELECT id, workspace_id, title, detail FROM items WHERE id > @lastId ORDER BY id", new { lastId = _lastId }, tx, cancellationToken: ct));
        foreach (var row in fresh)
        {
            if (!_recent.Add(row.Id)) continue;
            if (row.Id < _maxId) _late++;
            _maxId = Math.Max(_maxId, row.Id);
            Add(row.Id, row.WorkspaceId, row.Title, row.Detail);
        }
        await tx.CommitAsync(ct);
        // One horizon per grace/4 is enough: a later one settles everything an earlier one would, only a little later.
        if (_horizons.Count == 0 || at - _horizons[^1].At >= _graceSeconds / 4) _horizons.Add(new Horizon(at, xmax, _maxId));
        while (_horizons.Count > 0)
        {
            var first = _horizons[0];
            var witness = _horizons.FirstOrDefault(h => h.At >= first.At + _graceSeconds);
            if (witness == default || xmin < witness.Xmax) break;
            _lastId = Math.Max(_lastId, first.MaxId);
            _horizons.RemoveAt(0);
        }
        _recent.RemoveWhere(id => id <= _lastId);
    }

    // Joined by a line break, which no search word contains, so a match never spans title and detail.
    private void Add(long id, long workspaceId, string title, string? detail) =>
        Add(id, workspaceId, Encoding.UTF8.GetBytes((title + "\n" + detail).ToLowerInvariant()));

    private void Add(long id, long workspaceId, byte[] text)
    {
        var i = _items.Count;
        _items.Add((id, workspaceId, text));
        if ((i >> 6) >= _pairs[0].Length)
            for (var h = 0; h < PairRows; h++) Array.Resize(ref _pairs[h], _pairs[h].Length * 2);
        for (var k = 0; k + 1 < text.Length; k++) _pairs[Pair(text[k], text[k + 1])][i >> 6] |= 1UL << (i & 63);
    }

    private bool Matches(int i, long workspaceId, byte[][] needles)
    {
        var (_, ws, text) = _items[i];
        if (ws != workspaceId) return false;
        foreach (var needle in needles)
            if (text.AsSpan().IndexOf(needle) < 0) return false;
        return true;
    }

    private static IEnumerable<int> PairsOf(byte[] needle)
    {
        for (var k = 0; k + 1 < needle.Length; k++) yield return Pair(needle[k], needle[k + 1]);
    }

    /// <summary>The row of a byte pair: a multiplicative hash of its 16 bits, spread over <see cref="PairRows"/>.</summary>
    private static int Pair(byte a, byte b) => (int)(((uint)(a << 8 | b) * 2654435761u) >> (32 - PairBits));
}

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
/// whole transaction; a PostgreSQL port must re-read a trailing window, since sequence values are taken before commit).
/// A search that matches little would still test every text (3 ms at 100k items, linear), so each item's byte pairs are
/// also kept as bits, sliced by pair: row h holds one bit per item, set when the item's text has a byte pair hashing to
/// h. An item can contain a word only if it has every row of the word's pairs, so ANDing those rows, 64 items per
/// machine word, leaves the few candidates to test (64 bytes per item; a miss costs microseconds at 100k items).
/// </summary>
public sealed class SearchText(Database db)
{
    private const int PairBits = 9;
    private const int PairRows = 1 << PairBits;       // about 10 % of a typical item's 512 bits are set
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<(long Id, long WorkspaceId, byte[] Text)> _items = [];
    private readonly ulong[][] _pairs = Enumerable.Range(0, PairRows).Select(_ => new ulong[1]).ToArray();
    private long _lastId;

    /// <summary>Ids of the newest items (highest id first) in the workspace whose text contains every word, at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<long>> FindAsync(long workspaceId, IReadOnlyList<string> words, int limit, CancellationToken ct = default)
    {
        var needles = words.Select(w => Encoding.UTF8.GetBytes(w.ToLowerInvariant())).ToArray();
        await _gate.WaitAsync(ct);
        try
        {
            var fresh = await db.ReadAsync(c => c.QueryAsync<(long Id, long WorkspaceId, string Title, string? Detail)>(new CommandDefinition(
                "SELECT id, workspace_id, title, detail FROM items WHERE id > @lastId ORDER BY id", new { lastId = _lastId }, cancellationToken: ct)), ct);
            foreach (var row in fresh)
            {
                // Joined by a line break, which no search word contains, so a match never spans title and detail.
                Add(row.Id, row.WorkspaceId, Encoding.UTF8.GetBytes((row.Title + "\n" + row.Detail).ToLowerInvariant()));
                _lastId = row.Id;
            }
            var rows = needles.SelectMany(PairsOf).Distinct().Select(h => _pairs[h]).ToArray();
            var found = new List<long>();
            if (rows.Length == 0)
            {
                // Words of one byte have no pair: every item is a candidate.
                for (var i = _items.Count - 1; i >= 0 && found.Count < limit; i--)
                    if (Matches(i, workspaceId, needles)) found.Add(_items[i].Id);
                return found;
            }
            for (var w = (_items.Count - 1) >> 6; w >= 0 && found.Count < limit; w--)
            {
                var candidates = ulong.MaxValue;
                foreach (var row in rows) candidates &= row[w];
                while (candidates != 0 && found.Count < limit)
                {
                    var bit = 63 - BitOperations.LeadingZeroCount(candidates);   // newest first
                    candidates &= ~(1UL << bit);
                    var i = (w << 6) + bit;
                    if (Matches(i, workspaceId, needles)) found.Add(_items[i].Id);
                }
            }
            return found;
        }
        finally
        {
            _gate.Release();
        }
    }

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

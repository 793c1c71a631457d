using Dapper;
using SpeBot.Core;
using SpeBot.Core.Items;
using SpeBot.Core.Outbox;
using SpeBot.Core.Workspaces;

namespace SpeBot.Tests.Support;

/// <summary>Items, votes and lifecycle steps through the core's own paths, and the invariants the read paths rely on.</summary>
public sealed class ItemSeed(TestDatabase t)
{
    public Lifecycle Lifecycle { get; } = new(t.Db, t.Items, t.Cards, t.Workspaces, new Notices(t.Outbox), t.Signal, t.Clock, t.Options);

    public async Task<Workspace> WorkspaceAsync(string maintainer = "UMAINT")
    {
        var ws = await t.Workspaces.EnsureAsync(Platform.Slack, "T1");
        await t.Workspaces.AddMaintainerAsync(ws.Id, maintainer, maintainer);
        return ws;
    }

    public Task<Item> ItemAsync(long workspaceId, string title, int? impact = null, int? effort = null, string category = "other", string author = "UAUTH") =>
        t.Db.WriteAsync(async (c, tx) => (await t.Items.CreateAsync(c, tx, new NewItem(workspaceId, title, "slack", author, category, null, impact, effort), default)).Item);

    public async Task<Item> GetAsync(long itemId) => (await t.Items.GetAsync(itemId))!;

    /// <summary>The item's card, so reactions on it count as votes.</summary>
    public Task CardAsync(long workspaceId, long itemId, string messageId) =>
        t.Posted.RecordAsync(new PostedMessage { Platform = "slack", ChannelId = "CCARDS", MessageId = messageId, WorkspaceId = workspaceId, Kind = "item_card", ItemId = itemId });

    private long _event;

    public Task<ReactionResult> ReactAsync(long workspaceId, string messageId, string user, bool added, string reaction = "+1")
    {
        var n = Interlocked.Increment(ref _event);
        return t.Votes.ApplyReactionAsync(new ReactionChange(Platform.Slack, workspaceId, "CCARDS", messageId, user, reaction, added,
            $"1800000000.{n:D6}", $"Ev{n}"), default);
    }

    /// <summary>
    /// Every item's stored vote count equals its votes rows, its base_score is exactly the documented time-free part of
    /// the score, and the counts and person lists equal the items (settling them once on the way, migration 0012).
    /// </summary>
    public async Task AssertConsistentAsync()
    {
        var w = t.Options.Value.Score;
        await using var c = await t.Db.OpenAsync();
        // base_score is exact except for the items votes listed for the settle pass (SQLite, migration 0015); after the
        // pass it is exact for every item and the list is empty.
        async Task AssertScoresAsync()
        {
            var rows = await c.QueryAsync<(long Id, long Votes, long Counted, double BaseScore, long? Impact, long? Effort, long Stale)>(
                "SELECT id, votes, (SELECT COUNT(*) FROM votes v WHERE v.item_id = i.id), base_score, impact, effort, " +
                "(SELECT COUNT(*) FROM stale_scores s WHERE s.item_id = i.id) FROM items i");
            foreach (var r in rows)
            {
                Assert.True(r.Votes == r.Counted, $"item {r.Id}: votes column {r.Votes}, vote rows {r.Counted}");
                if (r.Stale == 0) Assert.Equal(Documented(r.Counted, (int?)r.Impact, (int?)r.Effort, w), r.BaseScore, 9);
            }
        }
        await AssertScoresAsync();
        const string Actual = "SELECT workspace_id, status, category, COUNT(*) FROM items GROUP BY 1, 2, 3 ORDER BY 1, 2, 3";
        // What readers count (item_totals: item_counts and the items after the settle mark) before a settle pass and after
        // it; after it, item_counts alone, and item_people holds every item under its author and status.
        const string Totals = "SELECT workspace_id, status, category, SUM(n) FROM item_totals GROUP BY 1, 2, 3 HAVING SUM(n) <> 0 ORDER BY 1, 2, 3";
        var actual = (await c.QueryAsync<(long Ws, string Status, string Category, long N)>(Actual)).ToList();
        Assert.Equal(actual, (await c.QueryAsync<(long Ws, string Status, string Category, long N)>(Totals)).ToList());
        await AssertTimesAsync(c);
        await new ItemSettling(t.Db, t.Options).SettleAllAsync();
        await AssertTimesAsync(c);
        Assert.Equal(0L, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM stale_scores"));
        await AssertScoresAsync();
        Assert.Equal(actual, (await c.QueryAsync<(long Ws, string Status, string Category, long N)>(Totals)).ToList());
        Assert.Equal(actual, (await c.QueryAsync<(long Ws, string Status, string Category, long N)>(
            "SELECT workspace_id, status, category, n FROM item_counts WHERE n <> 0 ORDER BY 1, 2, 3")).ToList());
        const string People = "SELECT workspace_id, author_id, status, number, {0} FROM {1} ORDER BY 1, 2, 3, 4";
        Assert.Equal((await c.QueryAsync<(long, string, string, long, long)>(string.Format(People, "id", "items"))).ToList(),
            (await c.QueryAsync<(long, string, string, long, long)>(string.Format(People, "item_id", "item_people"))).ToList());
    }

    /// <summary>
    /// What the digest and the dashboard read by time (migration 0014) holds every item by creation and every open item
    /// by its last change, and what top reads by score (0018) every settled open item by its base_score, as the items say.
    /// </summary>
    private static async Task AssertTimesAsync(System.Data.Common.DbConnection c)
    {
        // settled_scores (migration 0018): every open item up to the settle mark (every one on PostgreSQL) at its base_score.
        const string Scores = "SELECT workspace_id, base_score, number, {0} FROM {1} ORDER BY 1, 2 DESC, 3";
        Assert.Equal((await c.QueryAsync<(long, double, long, long)>(string.Format(Scores, "id",
                "items WHERE status IN ('proposed', 'accepted', 'in_progress') AND id <= COALESCE((SELECT last_item_id FROM settle_mark), id)"))).ToList(),
            (await c.QueryAsync<(long, double, long, long)>(string.Format(Scores, "item_id", "settled_scores"))).ToList());
        const string Times = "SELECT workspace_id, {0}, {1} FROM {2} {3} ORDER BY 1, 2, 3";
        async Task<List<(long, string, long)>> Rows(string sql) => (await c.QueryAsync<(long, string, long)>(sql)).ToList();
        Assert.Equal(await Rows(string.Format(Times, "created_at", "id", "items", "")),
            await Rows(string.Format(Times, "created_at", "item_id", "item_created", "")));
        Assert.Equal(await Rows(string.Format(Times, "updated_at", "id", "items", "WHERE status IN ('proposed', 'accepted', 'in_progress')")),
            await Rows(string.Format(Times, "updated_at", "item_id", "item_open_touched", "")));
    }

    /// <summary>A read's items are the expected numbers in the expected order; the message shows both lists.</summary>
    public static void AssertNumbers(IEnumerable<long> expected, IEnumerable<ItemView> actual, string what)
    {
        var (want, got) = (expected.ToList(), actual.Select(v => v.Item.Number).ToList());
        Assert.True(want.SequenceEqual(got), $"{what}: {string.Join(",", got)}, expected {string.Join(",", want)}");
    }

    /// <summary>The README's score without age, written out here rather than taken from Scoring.</summary>
    public static double Documented(long votes, int? impact, int? effort, ScoreWeights w) =>
        Math.Pow(1 + votes, w.Votes) * Math.Pow((impact ?? 3) / 3.0, w.Impact) / Math.Pow((effort ?? 3) / 3.0, w.Effort);
}

using SpeBot.Core.Storage;
using Dapper;
using SpeBot.Core;
using SpeBot.Core.Items;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Core.Items;

/// <summary>
/// <c>top</c> reads a bounded head of the base_score index and rescores it with the age factor (issue 16); its order must
/// still be exactly the README's formula over every open item, ages past and below the cap included.
/// </summary>
public sealed class TopOrderTests
{
    public static TheoryData<StorageProvider, double, double, double, double, double> Weights()
    {
        var data = new TheoryData<StorageProvider, double, double, double, double, double>();
        foreach (var p in Providers.Available())
        {
            data.Add(p, 1, 1, 1, 0.05, 12);      // the defaults
            data.Add(p, 1, 1, 1, 0.5, 4);        // a large age factor (up to 3×): far more of the head must be read
            data.Add(p, 0.5, 2, 1, 0.2, 26);
            data.Add(p, 1, 0, 0, 0, 12);         // votes only, no age
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Weights))]
    public async Task TopEqualsTheDocumentedFormulaOnAGeneratedBacklog(StorageProvider provider, double wv, double wi, double we, double perWeek, double capWeeks)
    {
        var weights = new ScoreWeights { Votes = wv, Impact = wi, Effort = we, AgePerWeek = perWeek, AgeCapWeeks = capWeeks };
        using var t = new TestDatabase(new SpeBotOptions { Score = weights }, provider: provider);
        var seed = new ItemSeed(t);
        var ws = await seed.WorkspaceAsync();
        var rng = new Random(16);
        var start = t.Clock.GetUtcNow();
        var now = start.AddDays(7 * 30);                             // ages from 30 weeks (past every cap) to none
        var items = new List<Item>();
        for (var i = 0; i < 240; i++)
        {
            t.Clock.SetUtcNow(start.AddHours(i * 7 * 30 * 24 / 240.0));
            items.Add(await seed.ItemAsync(ws.Id, $"Item {i}", rng.NextDouble() < 0.3 ? null : rng.Next(1, 6), rng.NextDouble() < 0.3 ? null : rng.Next(1, 6)));
        }
        t.Clock.SetUtcNow(now);
        // Skewed votes, cast concurrently through the button path; some items closed. The even items' votes are folded
        // into base_score by a settle pass before the odd items' are cast, so top reads both kinds (SQLite, migration 0015:
        // an item voted on since the last pass is scored from its count).
        var settling = new ItemSettling(t.Db, t.Options);
        foreach (var half in new[] { 0, 1 })
        {
            var votes = new List<Task>();
            foreach (var item in items.Where((_, i) => i % 2 == half))
            {
                var n = (int)(40 / (1 + rng.Next(items.Count) / 4.0));
                for (var v = 0; v < n; v++) votes.Add(t.Votes.ToggleAsync(Platform.Slack, item.Id, $"U{v:D3}", "C1", default));
            }
            await Task.WhenAll(votes);
            if (half == 0) await settling.SettleAllAsync();
        }
        var actor = new Actor(Platform.Slack, ws.Id, "UMAINT", "C1");
        foreach (var item in items.Where((_, i) => i % 7 == 3)) await seed.Lifecycle.DeclineAsync(actor, item.Number, "no", default);
        foreach (var item in items.Where((_, i) => i % 11 == 5)) await seed.Lifecycle.ClaimAsync(actor, item.Number, default);
        // Items proposed since the last pass, a third of them voted on already: on SQLite not in settled_scores yet
        // (migration 0018), so top scores them from their counts.
        for (var i = 0; i < 30; i++)
        {
            var item = await seed.ItemAsync(ws.Id, $"New {i}", rng.NextDouble() < 0.3 ? null : rng.Next(1, 6), rng.NextDouble() < 0.3 ? null : rng.Next(1, 6));
            for (var v = 0; v < (i % 3 == 0 ? rng.Next(1, 30) : 0); v++) await t.Votes.ToggleAsync(Platform.Slack, item.Id, $"U{v:D3}", "C1", default);
        }

        var expected = await ExpectedAsync(t, ws.Id, weights, now);
        if (provider == StorageProvider.Sqlite)
        {
            Assert.True(await t.Db.ReadAsync(c => c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM stale_scores")) > 50, "the odd items wait for the pass");
            Assert.Equal(30L, await t.Db.ReadAsync(c => c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM items WHERE id > (SELECT last_item_id FROM settle_mark)")));
        }
        foreach (var settled in new[] { false, true })
        {
            if (settled) await settling.SettleAllAsync();
            foreach (var n in new[] { 1, 5, 10, 20, 300 })
            {
                var top = await t.Queries.TopAsync(ws.Id, n);
                Assert.Equal(expected.Take(n).Select(e => (e.Number, e.Score)), top.Select(v => (v.Item.Number, v.Score)));
            }
        }
        await seed.AssertConsistentAsync();
    }

    /// <summary>
    /// SQLite (migration 0018): a proposal writes no score entry, which cost the single writer about 5 µs a proposal; the
    /// settle pass adds the new items to settled_scores together, and its trigger follows a settled item's status and
    /// base_score. Top ranks an item the same before and after.
    /// </summary>
    [Fact]
    public async Task ANewItemGetsItsScoreEntryAtTheSettlePassAndTheEntryFollowsTheItem()
    {
        using var t = new TestDatabase();
        var seed = new ItemSeed(t);
        var ws = await seed.WorkspaceAsync();
        var settled = await seed.ItemAsync(ws.Id, "settled", impact: 4, effort: 2);
        var closed = await seed.ItemAsync(ws.Id, "closed", impact: 5, effort: 1);
        await new ItemSettling(t.Db, t.Options).SettleAllAsync();
        var fresh = await seed.ItemAsync(ws.Id, "fresh", impact: 5, effort: 1);
        Task<List<(long, double, long)>> EntriesAsync() => t.Db.ReadAsync(async c => (await c.QueryAsync<(long, double, long)>(
            "SELECT item_id, base_score, number FROM settled_scores WHERE workspace_id = @Id ORDER BY base_score DESC, number", new { ws.Id })).ToList());
        var w = new ScoreWeights();

        Assert.Equal([(closed.Id, Scoring.Base(0, 5, 1, w), 2L), (settled.Id, Scoring.Base(0, 4, 2, w), 1L)], await EntriesAsync());
        Assert.Equal(["closed", "fresh", "settled"], (await t.Queries.TopAsync(ws.Id, 5)).Select(v => v.Item.Title));

        await seed.Lifecycle.DeclineAsync(new Actor(Platform.Slack, ws.Id, "UMAINT", "C1"), closed.Number, "no", default);
        await t.Votes.ToggleAsync(Platform.Slack, settled.Id, "U1", "C1", default);
        await new ItemSettling(t.Db, t.Options).SettleAllAsync();

        Assert.Equal([(fresh.Id, Scoring.Base(0, 5, 1, w), 3L), (settled.Id, Scoring.Base(1, 4, 2, w), 1L)], await EntriesAsync());
        Assert.Equal(["fresh", "settled"], (await t.Queries.TopAsync(ws.Id, 5)).Select(v => v.Item.Title));
    }

    [PostgresFact]
    public async Task ARescoreForNewWeightsKeepsAVoteThatCommitsWhileItRuns()
    {
        using var t = new TestDatabase(StorageProvider.Postgres);
        var seed = new ItemSeed(t);
        var ws = await seed.WorkspaceAsync();
        var item = await seed.ItemAsync(ws.Id, "Voted on during the rescore", impact: 4, effort: 2);
        var weights = new ScoreWeights { Votes = 2, Impact = 1, Effort = 1 };
        // Another instance's vote, holding the item's row until it commits.
        await using var other = await ((PostgresDatabase)t.Db).DataSource.OpenConnectionAsync();
        await using var vote = await other.BeginTransactionAsync();
        await ScoreIndex.AddVotesAsync(other, vote, item.Id, 1, weights, default);

        var rescore = ScoreIndex.EnsureAsync(t.Db, weights, t.Clock);
        await using (var watch = await ((PostgresDatabase)t.Db).DataSource.OpenConnectionAsync())
        {
            // The rescore waits on the vote's row lock before the vote commits.
            for (var i = 0; i < 100 && await watch.ExecuteScalarAsync<long>(
                     "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'UPDATE items SET base_score%'") == 0; i++)
                await Task.Delay(50);
        }
        await vote.CommitAsync();
        await rescore;

        var scored = await seed.GetAsync(item.Id);
        Assert.Equal(1, scored.Votes);
        Assert.Equal(ItemSeed.Documented(1, 4, 2, weights), scored.BaseScore, 9);
    }

    [Theory]
    [Providers]
    public async Task ChangedWeightsRescoreEveryItemBeforeTheNextTop(StorageProvider provider)
    {
        // SQLite: a file; PostgreSQL: a database, kept by the first TestDatabase for the second (a restart).
        var path = provider == StorageProvider.Postgres ? null : Path.Combine(Path.GetTempPath(), $"spebot-weights-{Guid.NewGuid():N}.db");
        using (var first = new TestDatabase(new SpeBotOptions(), path, provider))
        {
            path = first.Path;
            var seed = new ItemSeed(first);
            var ws = await seed.WorkspaceAsync();
            var popular = await seed.ItemAsync(ws.Id, "Popular, low impact", impact: 1);
            await seed.ItemAsync(ws.Id, "Impactful, no votes", impact: 5);
            foreach (var u in new[] { "U1", "U2", "U3", "U4", "U5" }) await first.Votes.ToggleAsync(Platform.Slack, popular.Id, u, "C1", default);
            Assert.Equal("Popular, low impact", (await first.Queries.TopAsync(ws.Id, 1))[0].Item.Title);  // 6 × 1/3 = 2 > 5/3
            first.KeepFile = true;
        }
        var impactFirst = new ScoreWeights { Votes = 0.2, Impact = 2, Effort = 1 };   // 6^0.2 × (1/3)^2 = 0.16 < (5/3)^2 = 2.78
        using var second = new TestDatabase(new SpeBotOptions { Score = impactFirst }, path, provider);
        var ws2 = await second.Workspaces.EnsureAsync(Platform.Slack, "T1");

        var top = await second.Queries.TopAsync(ws2.Id, 2);

        Assert.Equal("Impactful, no votes", top[0].Item.Title);
        await new ItemSeed(second).AssertConsistentAsync();
    }

    /// <summary>Every open item scored with the README's formula written out here, highest first, older first on ties.</summary>
    private static async Task<List<(long Number, double Score)>> ExpectedAsync(TestDatabase t, long workspaceId, ScoreWeights w, DateTimeOffset now)
    {
        await using var c = await t.Db.OpenAsync();
        var open = await c.QueryAsync<(long Number, long Votes, long? Impact, long? Effort, string CreatedAt)>("""
            SELECT number, (SELECT COUNT(*) FROM votes v WHERE v.item_id = i.id), impact, effort, created_at FROM items i
            WHERE workspace_id = @workspaceId AND status IN ('proposed', 'accepted', 'in_progress')
            """, new { workspaceId });
        return open.Select(i =>
        {
            var weeks = Math.Min(Math.Max((now - DateTimeOffset.Parse(i.CreatedAt, System.Globalization.CultureInfo.InvariantCulture)).TotalDays / 7.0, 0), w.AgeCapWeeks);
            var score = Math.Pow(1 + i.Votes, w.Votes) * Math.Pow((i.Impact ?? 3) / 3.0, w.Impact) / Math.Pow((i.Effort ?? 3) / 3.0, w.Effort)
                        * (1 + w.AgePerWeek * weeks);
            return (i.Number, Score: Math.Round(score, 2));
        }).OrderByDescending(e => e.Score).ThenBy(e => e.Number).ToList();
    }
}

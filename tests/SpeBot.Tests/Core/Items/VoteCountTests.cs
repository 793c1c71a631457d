using SpeBot.Core;
using SpeBot.Core.Storage;
using SpeBot.Core.Items;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Core.Items;

/// <summary>The vote count and base score kept on the item (issue 16) stay equal to the votes under every path that changes them.</summary>
public sealed class VoteCountTests : IDisposable
{
    private TestDatabase _t = null!;
    private ItemSeed _seed = null!;

    private void Use(StorageProvider provider)
    {
        _t = new TestDatabase(provider);
        _seed = new ItemSeed(_t);
    }

    public void Dispose() => _t?.Dispose();

    [Theory]
    [Providers]
    public async Task ReactionVotesAndTheirRetractionKeepTheCountAndBaseScore(StorageProvider provider)
    {
        Use(provider);
        var ws = await _seed.WorkspaceAsync();
        var item = await _seed.ItemAsync(ws.Id, "Rotate TLS ciphers", impact: 5, effort: 2);
        await _seed.CardAsync(ws.Id, item.Id, "1.0001");

        await _seed.ReactAsync(ws.Id, "1.0001", "U1", added: true);
        await _seed.ReactAsync(ws.Id, "1.0001", "U2", added: true);
        await _seed.ReactAsync(ws.Id, "1.0001", "U2", added: true, reaction: "thumbsup");  // a second vote emoji: still one vote
        Assert.Equal(2, (await _seed.GetAsync(item.Id)).Votes);

        await _seed.ReactAsync(ws.Id, "1.0001", "U2", added: false);                       // still has thumbsup: keeps the vote
        Assert.Equal(2, (await _seed.GetAsync(item.Id)).Votes);
        await _seed.ReactAsync(ws.Id, "1.0001", "U2", added: false, reaction: "thumbsup");
        await _seed.ReactAsync(ws.Id, "1.0001", "U1", added: false);

        var after = await _seed.GetAsync(item.Id);
        Assert.Equal(0, after.Votes);
        Assert.Equal(ItemSeed.Documented(0, 5, 2, _t.Options.Value.Score), after.BaseScore, 9);
        await _seed.AssertConsistentAsync();
    }

    [Theory]
    [Providers]
    public async Task TheVoteButtonAddsAndWithdrawsOneVotePerPerson(StorageProvider provider)
    {
        Use(provider);
        var ws = await _seed.WorkspaceAsync();
        var item = await _seed.ItemAsync(ws.Id, "Cache hot reads");

        var (voted, on) = await _t.Votes.ToggleAsync(Platform.Slack, item.Id, "U1", "C1", default);
        Assert.True(on);
        Assert.Equal(1, voted.Votes);
        await _t.Votes.ToggleAsync(Platform.Slack, item.Id, "U2", "C1", default);
        var (withdrawn, stillOn) = await _t.Votes.ToggleAsync(Platform.Slack, item.Id, "U1", "C1", default);

        Assert.False(stillOn);
        Assert.Equal(1, withdrawn.Votes);
        await _seed.AssertConsistentAsync();
    }

    [Theory]
    [Providers]
    public async Task MergeMovesVotesOncePerPersonAndBothCountsFollow(StorageProvider provider)
    {
        Use(provider);
        var ws = await _seed.WorkspaceAsync();
        var source = await _seed.ItemAsync(ws.Id, "Upgrade Postgres", impact: 4);
        var target = await _seed.ItemAsync(ws.Id, "Postgres 17 upgrade", effort: 4);
        foreach (var u in new[] { "U1", "U2", "U3" }) await _t.Votes.ToggleAsync(Platform.Slack, source.Id, u, "C1", default);
        foreach (var u in new[] { "U2", "U4" }) await _t.Votes.ToggleAsync(Platform.Slack, target.Id, u, "C1", default);

        var m = await _seed.Lifecycle.MergeAsync(new Actor(Platform.Slack, ws.Id, "UMAINT", "C1"), source.Number, target.Number, default);

        Assert.Equal("merge.done", m.Key);
        Assert.Equal(2, m.Args!["moved"]);                       // U2 already voted for the target
        Assert.Equal(0, (await _seed.GetAsync(source.Id)).Votes);
        // base_score follows the counts in the settle pass on SQLite (migration 0015).
        await new ItemSettling(_t.Db, _t.Options).SettleAllAsync();
        var merged = await _seed.GetAsync(target.Id);
        Assert.Equal(4, merged.Votes);                           // U1, U2, U3, U4
        Assert.Equal(ItemSeed.Documented(4, null, 4, _t.Options.Value.Score), merged.BaseScore, 9);
        await _seed.AssertConsistentAsync();
    }

    [Theory]
    [Providers]
    public async Task AReactionOnTheCardOfAMergedItemCountsForTheTarget(StorageProvider provider)
    {
        Use(provider);
        var ws = await _seed.WorkspaceAsync();
        var source = await _seed.ItemAsync(ws.Id, "Dup");
        var target = await _seed.ItemAsync(ws.Id, "Original");
        await _seed.CardAsync(ws.Id, source.Id, "2.0001");
        await _seed.Lifecycle.MergeAsync(new Actor(Platform.Slack, ws.Id, "UMAINT", "C1"), source.Number, target.Number, default);

        await _seed.ReactAsync(ws.Id, "2.0001", "U9", added: true);

        Assert.Equal(1, (await _seed.GetAsync(target.Id)).Votes);
        Assert.Equal(0, (await _seed.GetAsync(source.Id)).Votes);
        await _seed.ReactAsync(ws.Id, "2.0001", "U9", added: false);
        Assert.Equal(0, (await _seed.GetAsync(target.Id)).Votes);
        await _seed.AssertConsistentAsync();
    }

    [Theory]
    [Providers]
    public async Task AReactionOnAMergedCardScoresTheTargetWithTheTargetsImpactAndEffort(StorageProvider provider)
    {
        Use(provider);
        // The vote writes the count and base score it read with the card: the target's, not the merged item's.
        var ws = await _seed.WorkspaceAsync();
        var source = await _seed.ItemAsync(ws.Id, "Dup", impact: 5, effort: 1);
        var target = await _seed.ItemAsync(ws.Id, "Original", impact: 2, effort: 5);
        await _t.Votes.ToggleAsync(Platform.Slack, target.Id, "U1", "C1", default);
        await _seed.CardAsync(ws.Id, source.Id, "2.0002");
        await _seed.Lifecycle.MergeAsync(new Actor(Platform.Slack, ws.Id, "UMAINT", "C1"), source.Number, target.Number, default);

        await _seed.ReactAsync(ws.Id, "2.0002", "U9", added: true);

        await new ItemSettling(_t.Db, _t.Options).SettleAllAsync();
        var scored = await _seed.GetAsync(target.Id);
        Assert.Equal(2, scored.Votes);
        Assert.Equal(ItemSeed.Documented(2, 2, 5, _t.Options.Value.Score), scored.BaseScore, 9);
        await _seed.AssertConsistentAsync();
    }

    [Theory]
    [Providers]
    public async Task AnOlderReactionEventChangesNoVoteAndADuplicateDeliveryNothing(StorageProvider provider)
    {
        Use(provider);
        // Without RETURNING the store tells "applied" from rows changed: an upsert its WHERE refuses changes none.
        var ws = await _seed.WorkspaceAsync();
        var item = await _seed.ItemAsync(ws.Id, "Cut p99");
        await _seed.CardAsync(ws.Id, item.Id, "4.0001");
        ReactionChange Change(bool added, string ts, string key) => new(Platform.Slack, ws.Id, "CCARDS", "4.0001", "U1", "+1", added, ts, key);

        Assert.Equal(ReactionOutcome.VoteAdded, (await _t.Votes.ApplyReactionAsync(Change(true, "1800000000.000200", "EvNew"), default)).Outcome);
        Assert.Equal(ReactionOutcome.Duplicate, (await _t.Votes.ApplyReactionAsync(Change(true, "1800000000.000200", "EvNew"), default)).Outcome);
        Assert.Equal(ReactionOutcome.Stale, (await _t.Votes.ApplyReactionAsync(Change(false, "1800000000.000100", "EvOld"), default)).Outcome);

        Assert.Equal(1, (await _seed.GetAsync(item.Id)).Votes);
        await _seed.AssertConsistentAsync();
    }

    [Theory]
    [Providers]
    public async Task WithdrawingAProposalKeepsItsVotesAndTakesItOutOfTop(StorageProvider provider)
    {
        Use(provider);
        var ws = await _seed.WorkspaceAsync();
        var item = await _seed.ItemAsync(ws.Id, "Mine to withdraw", author: "UAUTH");
        var other = await _seed.ItemAsync(ws.Id, "Stays");
        foreach (var u in new[] { "U1", "U2" }) await _t.Votes.ToggleAsync(Platform.Slack, item.Id, u, "C1", default);

        var m = await _seed.Lifecycle.WithdrawAsync(new Actor(Platform.Slack, ws.Id, "UAUTH", "C1"), item.Number, default);

        Assert.Equal("withdrawn.done", m.Key);
        Assert.Equal(2, (await _seed.GetAsync(item.Id)).Votes);
        Assert.Equal([other.Id], (await _t.Queries.TopAsync(ws.Id, 10)).Select(v => v.Item.Id));
        await _seed.AssertConsistentAsync();
    }

    [Theory]
    [Providers]
    public async Task ConcurrentVotesFromManyPeopleAllCount(StorageProvider provider)
    {
        Use(provider);
        var ws = await _seed.WorkspaceAsync();
        var item = await _seed.ItemAsync(ws.Id, "Popular");
        await _seed.CardAsync(ws.Id, item.Id, "3.0001");

        // Buttons and reactions at once, from 60 people; 20 of them also press the button a second time (withdraw).
        var work = new List<Task>();
        for (var i = 0; i < 60; i++)
        {
            var user = $"U{i:D3}";
            work.Add(i % 2 == 0 ? _t.Votes.ToggleAsync(Platform.Slack, item.Id, user, "C1", default) : _seed.ReactAsync(ws.Id, "3.0001", user, added: true));
        }
        await Task.WhenAll(work);
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => _t.Votes.ToggleAsync(Platform.Slack, item.Id, $"U{i * 2:D3}", "C1", default)));

        Assert.Equal(40, (await _seed.GetAsync(item.Id)).Votes);
        await _seed.AssertConsistentAsync();
    }

    [Theory]
    [Providers]
    public async Task ItemCountsFollowEveryStatusChange(StorageProvider provider)
    {
        Use(provider);
        var ws = await _seed.WorkspaceAsync();
        var a = new Actor(Platform.Slack, ws.Id, "UMAINT", "C1");
        var items = new List<Item>();
        for (var i = 0; i < 6; i++) items.Add(await _seed.ItemAsync(ws.Id, $"Item {i}", category: i % 2 == 0 ? "security" : "cost"));

        await _seed.Lifecycle.AcceptAsync(a, items[0].Number, default);
        await _seed.Lifecycle.ClaimAsync(a, items[1].Number, default);
        await _seed.Lifecycle.ReleaseAsync(a, items[1].Number, default);
        await _seed.Lifecycle.ClaimAsync(a, items[2].Number, default);
        await _seed.Lifecycle.DoneAsync(a, items[2].Number, "p99 halved", default);
        await _seed.Lifecycle.DeclineAsync(a, items[3].Number, "no", default);
        await _seed.Lifecycle.ReopenAsync(a, items[3].Number, default);
        await _seed.Lifecycle.MergeAsync(a, items[4].Number, items[5].Number, default);

        await _seed.AssertConsistentAsync();
        Assert.Equal(4, await _t.Queries.OpenCountAsync(ws.Id));     // 0 accepted, 1 released, 3 reopened, 5 proposed
    }
}

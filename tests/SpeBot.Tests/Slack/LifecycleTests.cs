using SpeBot.Tests.Support;

namespace SpeBot.Tests.Slack;

public sealed class LifecycleTests : SlackHost
{
    private const string Maintainer = "UMAINT01";

    protected override Dictionary<string, string?>? Settings => new() { ["SpeBot:Maintainers:0"] = Maintainer };

    private string Status(long itemId) => Query<string>("SELECT status FROM items WHERE id = @itemId", new { itemId }).Single();

    [Fact]
    public async Task TriageIsForMaintainersAndRefusalsSayWhoCan()
    {
        var (id, _) = await ProposeAsync("Patch OpenSSL", user: "U111");
        var refusal = TextOf(await CommandAsync("accept SPE-1", user: "U222"));
        Assert.Contains("Only maintainers", refusal);
        Assert.Contains($"<@{Maintainer}>", refusal);
        Assert.Equal("proposed", Status(id));

        Assert.Contains("Accepted", TextOf(await CommandAsync("accept SPE-1", user: Maintainer)));
        Assert.Equal("accepted", Status(id));
        Assert.Contains("cannot be accepted now", TextOf(await CommandAsync("accept SPE-1", user: Maintainer)));

        Assert.Contains("Only maintainers", TextOf(await CommandAsync("decline SPE-1 not now", user: "U111")));
        Assert.Contains("Declined", TextOf(await CommandAsync("decline SPE-1 \"covered by the platform team\"", user: Maintainer)));
        Assert.Equal("covered by the platform team", Query<string>("SELECT decline_reason FROM items WHERE id = @id", new { id }).Single());
        Assert.Contains("decline SPE-n", TextOf(await CommandAsync("decline SPE-1", user: Maintainer)));
        Assert.Contains("open again", TextOf(await CommandAsync("reopen SPE-1", user: Maintainer)));
        Assert.Equal("proposed", Status(id));

        var actions = Query<string>("SELECT action FROM item_events WHERE item_id = @id ORDER BY id", new { id });
        Assert.Equal(["proposed", "accepted", "declined", "reopened"], actions);
    }

    [Fact]
    public async Task AuthorWithdrawsOwnProposalOnly()
    {
        var (id, _) = await ProposeAsync("Drop Python 3.8", user: "U111");
        Assert.Contains("Only its author (<@U111>)", TextOf(await CommandAsync("withdraw SPE-1", user: "U222")));
        Assert.Contains("withdrew", TextOf(await CommandAsync("withdraw SPE-1", user: "U111")));
        Assert.Equal("declined", Status(id));
    }

    [Fact]
    public async Task MergeMovesVotesKeepingOnePerPersonAndLinksBothItems()
    {
        var (a, tsA) = await ProposeAsync("Faster CI cache");
        var (b, tsB) = await ProposeAsync("Cache CI dependencies");
        foreach (var u in new[] { "U301", "U302", "U303" }) await SendAsync(SignedSlackRequest.Reaction($"Ea{u}", u, "+1", "C100", tsA));
        foreach (var u in new[] { "U302", "U304" }) await SendAsync(SignedSlackRequest.Reaction($"Eb{u}", u, "+1", "C100", tsB));

        var said = TextOf(await CommandAsync("merge SPE-1 into SPE-2", user: Maintainer));
        Assert.Contains("SPE-1 is merged into SPE-2; 2 votes moved", said);
        Assert.Equal(["U301", "U302", "U303", "U304"], Query<string>("SELECT voter_id FROM votes WHERE item_id = @b ORDER BY voter_id", new { b }));
        Assert.Equal(0, Query<long>("SELECT COUNT(*) FROM votes WHERE item_id = @a", new { a }).Single());
        Assert.Equal(("duplicate", b), Query<(string, long)>("SELECT status, merged_into FROM items WHERE id = @a", new { a }).Single());
        Assert.Contains("merged_into", Query<string>("SELECT action FROM item_events WHERE item_id = @a", new { a }));
        Assert.Contains("merged_from", Query<string>("SELECT action FROM item_events WHERE item_id = @b", new { b }));

        // A later vote on the old card counts for the item it was merged into, still once per person.
        await SendAsync(SignedSlackRequest.Reaction("Ea-late", "U305", "+1", "C100", tsA));
        Assert.Equal(5, Query<long>("SELECT COUNT(*) FROM votes WHERE item_id = @b", new { b }).Single());
        Assert.Contains("cannot be merged", TextOf(await CommandAsync("merge SPE-1 into SPE-2", user: Maintainer)));
        Assert.Contains("into itself", TextOf(await CommandAsync("merge SPE-2 into SPE-2", user: Maintainer)));
    }

    [Fact]
    public async Task ClaimReleaseAssignAndDoneWithEvidence()
    {
        var (id, ts) = await ProposeAsync("Remove TLS 1.0", user: "U111");
        Assert.Contains("is yours", TextOf(await CommandAsync("claim SPE-1", user: "U222")));
        Assert.Contains("claimed by <@U222>", TextOf(await CommandAsync("claim SPE-1", user: "U333")));
        Assert.Contains("Only the person who claimed it", TextOf(await CommandAsync("release SPE-1", user: "U333")));
        Assert.Contains("Only maintainers", TextOf(await CommandAsync("assign SPE-1 <@U333>", user: "U222")));
        Assert.Contains("assigned to <@U333>", TextOf(await CommandAsync("assign SPE-1 <@U333>", user: Maintainer)));
        Assert.Equal("U333", Query<string>("SELECT claimed_by FROM items WHERE id = @id", new { id }).Single());
        Assert.Contains("Progress on SPE-1", TextOf(await CommandAsync("update SPE-1 half the load balancers done", user: "U333")));
        Assert.Contains("is done", TextOf(await CommandAsync("done SPE-1 p99 TLS handshake 180ms → 95ms", user: "U333")));
        var done = Query<(string Status, string DoneBy, string Evidence)>("SELECT status AS Status, done_by AS DoneBy, evidence AS Evidence FROM items WHERE id = @id", new { id }).Single();
        Assert.Equal(("done", "U333", "p99 TLS handshake 180ms → 95ms"), done);
        await SpeBotFactory.WaitUntilAsync(() => Slack.CallsTo("chat.update").Any(c => c.Text.Contains("Evidence: p99 TLS handshake")), what: "card shows evidence");
    }

    [Fact]
    public async Task ClaimReactionOnTheCardClaimsIt()
    {
        var (id, ts) = await ProposeAsync("Rotate DB passwords");
        await SendAsync(SignedSlackRequest.Reaction("Eeyes", "U444", "eyes", "C100", ts));
        Assert.Equal("U444", Query<string>("SELECT claimed_by FROM items WHERE id = @id", new { id }).Single());
        Assert.Equal("in_progress", Status(id));
        await SpeBotFactory.WaitUntilAsync(() => Slack.CallsTo("chat.postEphemeral").Any(c => c.Text.Contains("is yours")), what: "claim notice");
    }

    [Fact]
    public async Task EachChangeUpdatesTheCardExactlyOnce()
    {
        var (id, _) = await ProposeAsync("Shrink container images");
        foreach (var (command, expected) in new[] { ("accept SPE-1", 1), ("claim SPE-1", 2), ("done SPE-1 saved 2 GB per node", 3) })
        {
            await CommandAsync(command, user: Maintainer);
            await SpeBotFactory.WaitUntilAsync(() => Slack.CallsTo("chat.update").Count >= expected, what: command);
            await Task.Delay(1800);
            Assert.Equal(expected, Slack.CallsTo("chat.update").Count);
        }
        Assert.Equal("done", Status(id));
    }

    [Fact]
    public async Task MaintainersAreManagedInChatByMaintainers()
    {
        Assert.Contains("Only maintainers", TextOf(await CommandAsync("maintainers add <@U999>", user: "U111")));
        Assert.Contains("is now a maintainer", TextOf(await CommandAsync("maintainers add <@U999>", user: Maintainer)));
        Assert.Contains("Accepted", TextOf(await CommandAsync("propose x", user: "U1") is var _ ? await CommandAsync("accept SPE-1", user: "U999") : null));
        Assert.Contains("<@U999>", TextOf(await CommandAsync("maintainers", user: "U111")));
        Assert.Contains("no longer a maintainer", TextOf(await CommandAsync("maintainers remove <@U999>", user: Maintainer)));
    }
}

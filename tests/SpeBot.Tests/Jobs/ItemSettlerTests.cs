using SpeBot.Tests.Support;

namespace SpeBot.Tests.Jobs;

/// <summary>
/// The host settles new items in the background (migrations 0012 and 0016, ItemSettling): on SQLite a proposal writes only
/// its row, and within a pass or two it is counted in item_counts and, right after, listed in item_people (PostgreSQL: at
/// once).
/// </summary>
public sealed class ItemSettlerTests(SlackHostFixture host) : IClassFixture<SlackHostFixture>
{
    [Fact]
    public async Task ProposalsAreCountedAndListedUnderTheirAuthorsWithinSeconds()
    {
        foreach (var title in new[] { "Rotate the TLS keys #security", "Cut CI minutes", "Drop TLS 1.0 #security" })
            (await host.Client.SendAsync(SignedSlackRequest.Command($"propose {title}", "USETTLE"))).EnsureSuccessStatusCode();
        var newest = host.Factory.Query<long>("SELECT MAX(id) FROM items").Single();

        // PostgreSQL (the host tests' provider sweep) writes both in the proposal's transaction and has no mark.
        if (host.Factory.PostgresConnectionString is null)
            await SpeBotFactory.WaitUntilAsync(() => host.Factory.Query<long>("SELECT MIN(last_item_id, people_item_id) FROM settle_mark").Single() >= newest,
                what: "settle and people marks past the new items");

        Assert.Equal(3, host.Factory.Query<long>("SELECT COUNT(*) FROM item_people WHERE author_id = 'USETTLE'").Single());
        Assert.Equal(host.Factory.Query<long>("SELECT COUNT(*) FROM items WHERE status = 'proposed'").Single(),
            host.Factory.Query<long>("SELECT COALESCE(SUM(n), 0) FROM item_counts WHERE status = 'proposed'").Single());
    }
}

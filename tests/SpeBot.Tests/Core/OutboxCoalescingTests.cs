using Dapper;
using SpeBot.Core.Storage;
using SpeBot.Core;
using SpeBot.Core.Outbox;
using SpeBot.Tests.Support;
using Xunit;

namespace SpeBot.Tests.Core;

public sealed class OutboxCoalescingTests : IDisposable
{
    private TestDatabase _t = null!;

    private void Use(StorageProvider provider) => _t = new TestDatabase(provider);

    public void Dispose() => _t?.Dispose();

    private async Task<OutboundMessage> CardUpdateAsync()
    {
        var workspace = await _t.Workspaces.EnsureAsync(Platform.Slack, "T1");
        return new OutboundMessage(Platform.Slack, workspace.Id, "C1", OutboxKinds.CardUpdate,
            new OutboundBody { ItemId = 7 }, "card_update:7:C1", Coalesce: true, Delay: TimeSpan.FromSeconds(1.5));
    }

    private async Task UpdateCardAsync() => await _t.Outbox.EnqueueAloneAsync(_t.Db, await CardUpdateAsync());

    private Task<(long Version, string Status, string Due)> RowAsync() =>
        _t.Db.ReadAsync(c => c.QuerySingleAsync<(long, string, string)>(
            "SELECT version, status, next_attempt_at FROM outbox WHERE dedupe_key = 'card_update:7:C1'"));

    [Theory]
    [Providers]
    public async Task A_pending_unleased_update_is_not_rewritten_by_more_of_the_same_and_keeps_its_due_time(StorageProvider provider)
    {
        Use(provider);
        await UpdateCardAsync();
        var first = await RowAsync();
        var again = await CardUpdateAsync();

        _t.Clock.Advance(TimeSpan.FromSeconds(1));
        // Rows the statement wrote: SQLite's changes(); on PostgreSQL a rewritten row gets a new version, xmin.
        const string RowVersion = "SELECT xmin::text FROM outbox WHERE dedupe_key = 'card_update:7:C1'";
        var before = provider == StorageProvider.Postgres ? await _t.Db.ReadAsync(c => c.ExecuteScalarAsync<string>(RowVersion)) : null;
        var changed = await _t.Db.WriteAsync(async (c, tx) =>
        {
            await _t.Outbox.EnqueueAsync(c, tx, again, CancellationToken.None);
            return provider == StorageProvider.Postgres ? 0 : await c.ExecuteScalarAsync<long>("SELECT changes()", transaction: tx);
        });

        Assert.Equal(0, changed);
        if (before is not null) Assert.Equal(before, await _t.Db.ReadAsync(c => c.ExecuteScalarAsync<string>(RowVersion)));
        Assert.Equal(first, await RowAsync());
    }

    [Theory]
    [Providers]
    public async Task An_update_leased_by_a_sender_in_flight_gets_a_new_version_so_it_goes_again(StorageProvider provider)
    {
        Use(provider);
        await UpdateCardAsync();
        _t.Clock.Advance(TimeSpan.FromSeconds(2));
        var leased = Assert.Single(await _t.Outbox.ClaimDueAsync(10, TimeSpan.FromMinutes(1)));

        await UpdateCardAsync();

        var row = await RowAsync();
        Assert.Equal(leased.Version + 1, row.Version);
        Assert.Equal("pending", row.Status);
    }

    [Theory]
    [Providers]
    public async Task A_sent_update_becomes_pending_again_with_a_new_version(StorageProvider provider)
    {
        Use(provider);
        await UpdateCardAsync();
        _t.Clock.Advance(TimeSpan.FromSeconds(2));
        var leased = Assert.Single(await _t.Outbox.ClaimDueAsync(10, TimeSpan.FromMinutes(1)));
        await _t.Db.WriteAsync((c, tx) => _t.Outbox.MarkSentAsync(c, tx, leased, "1700000000.000100", CancellationToken.None));
        Assert.Equal("sent", (await RowAsync()).Status);

        await UpdateCardAsync();

        var row = await RowAsync();
        Assert.Equal(("pending", leased.Version + 1), (row.Status, row.Version));
    }
}

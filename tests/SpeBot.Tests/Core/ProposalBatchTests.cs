using Dapper;
using SpeBot.Core;
using SpeBot.Core.Events;
using SpeBot.Core.Items;
using SpeBot.Core.Outbox;
using SpeBot.Core.Storage;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Core;

/// <summary>
/// Proposals on PostgreSQL are written in batches (<see cref="ProposalBatch"/>): many per transaction, each acked after
/// its batch commits. Numbers must stay gap-free and unique across instances, every proposal must get its card row,
/// and one proposal that fails must not take its batch with it.
/// </summary>
public sealed class ProposalBatchTests
{
    [Theory]
    [Providers]
    public async Task ConcurrentProposalsFromTwoInstancesAreEachStoredOnceWithNumbersOneToNAndOneCardEach(StorageProvider provider)
    {
        using var t = new TestDatabase(provider);
        var workspace = await t.Workspaces.EnsureAsync(Platform.Slack, "T1");
        // On PostgreSQL a second process on the same database: its own data source, pool, stores and batch.
        await using var other = provider == StorageProvider.Postgres ? new PostgresDatabase(t.Path) : null;
        var second = other is null ? t.Proposals : new Proposals(other, new ItemStore(other, t.Clock, t.Options), new OutboxStore(other, t.Clock),
            new OutboxSignal(), new Inbox(t.Clock));
        var instances = new[] { t.Proposals, second };

        var created = await Task.WhenAll(Enumerable.Range(0, 600).Select(async i =>
        {
            await Task.Yield();
            var (item, isNew) = await instances[i % 2].SubmitAsync(Platform.Slack, new NewItem(workspace.Id, $"p{i}", "slack", $"U{i}"), $"C{i % 7}",
                CancellationToken.None);
            Assert.True(isNew);
            return (item.Number, item.Title);
        }));

        Assert.Equal(Enumerable.Range(1, 600).Select(n => (long)n), created.Select(c => c.Number).Order());
        var stored = (await t.Db.ReadAsync(c => c.QueryAsync<(long Number, string Title)>(
            "SELECT number, title FROM items WHERE workspace_id = @id ORDER BY number", new { id = workspace.Id }))).ToList();
        // What each proposer was told is what is stored.
        Assert.Equal(created.OrderBy(c => c.Number), stored);
        Assert.Equal(600L, await t.Db.ReadAsync(c => c.ExecuteScalarAsync<long>(
            "SELECT COUNT(DISTINCT dedupe_key) FROM outbox WHERE kind = 'item_card'")));
        Assert.Equal(600L, await t.Db.ReadAsync(c => c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM item_events WHERE action = 'proposed'")));
    }

    [Theory]
    [Providers]
    public async Task AProposalThatFailsFailsAloneAndTheOthersKeepGapFreeNumbers(StorageProvider provider)
    {
        using var t = new TestDatabase(provider);
        var workspace = await t.Workspaces.EnsureAsync(Platform.Slack, "T1");

        // Submitted together, so on PostgreSQL they share a batch: the one whose impact is out of range breaks the batch's
        // transaction (the column's CHECK), and the batch is written again one proposal at a time.
        var submissions = Enumerable.Range(0, 40).Select(i => t.Proposals.SubmitAsync(Platform.Slack,
            new NewItem(workspace.Id, $"p{i}", "slack", "U1", Impact: i == 17 ? 9 : null), "C1", CancellationToken.None)).ToList();
        var outcomes = await Task.WhenAll(submissions.Select(async s =>
        {
            try
            {
                return (await s).Item.Number;
            }
            catch (Exception e) when (e is Npgsql.PostgresException or Microsoft.Data.Sqlite.SqliteException)
            {
                return -1L;
            }
        }));

        Assert.Equal(-1L, outcomes[17]);
        Assert.Equal(Enumerable.Range(1, 39).Select(n => (long)n), outcomes.Where(n => n > 0).Order());
        Assert.Equal(39L, await t.Db.ReadAsync(c => c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM items")));
        Assert.Equal(39L, await t.Db.ReadAsync(c => c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE kind = 'item_card'")));
    }

    [Theory]
    [Providers]
    public async Task AProposalInABatchIsStoredAsAProposalWrittenAloneWithItsEventAndCard(StorageProvider provider)
    {
        using var t = new TestDatabase(provider);
        var workspace = await t.Workspaces.EnsureAsync(Platform.Slack, "T1");
        var full = new NewItem(workspace.Id, "Rotate <keys> & \0 certs", "slack", "U42", "security", "Detail\0 text", 4, 2, "platform",
            ChannelId: "C9");

        var others = Enumerable.Range(0, 20).Select(i => t.Proposals.SubmitAsync(Platform.Slack, new NewItem(workspace.Id, $"o{i}", "slack", "U1"), "C1",
            CancellationToken.None)).ToList();
        var (item, created) = await t.Proposals.SubmitAsync(Platform.Slack, full, "C9", CancellationToken.None);
        await Task.WhenAll(others);

        Assert.True(created);
        var stored = await t.Items.GetAsync(item.Id);
        Assert.NotNull(stored);
        Assert.Equal((item.Number, item.Title, item.Detail, item.Category, item.Team, item.Impact, item.Effort, item.AuthorId, item.CreatedAt),
            (stored.Number, stored.Title, stored.Detail, stored.Category, stored.Team, stored.Impact, stored.Effort, stored.AuthorId, stored.CreatedAt));
        Assert.Equal(("proposed", "security", 4, 2, "platform", "U42"), (stored.Status, stored.Category, stored.Impact, stored.Effort, stored.Team, stored.AuthorId));
        Assert.Equal(Scoring.Base(0, 4, 2, new ScoreWeights()), stored.BaseScore);
        var ev = await t.Db.ReadAsync(c => c.QuerySingleAsync<(string Actor, string Platform, string Channel)>(
            "SELECT actor_id, platform, channel_id FROM item_events WHERE item_id = @id AND action = 'proposed'", new { id = item.Id }));
        Assert.Equal(("U42", "slack", "C9"), ev);
        var card = await t.Outbox.FindAsync($"item_card:{item.Id}:C9");
        Assert.NotNull(card);
        Assert.Equal(("C9", "item_card", "pending"), (card.ChannelId, card.Kind, card.Status));
        Assert.Equal(item.Id, OutboundBody.Parse(card.Body).ItemId);
        // Cards of one channel queue in number order (the outbox sends a channel's rows in id order).
        var c1 = (await t.Db.ReadAsync(c => c.QueryAsync<long>(
            "SELECT i.number FROM outbox o JOIN items i ON o.dedupe_key = 'item_card:' || i.id || ':C1' ORDER BY o.id"))).ToList();
        Assert.Equal(c1.Order(), c1);
        Assert.Equal(20, c1.Count);
    }
}

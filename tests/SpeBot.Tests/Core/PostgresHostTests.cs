using System.Net;
using System.Text.Json.Nodes;
using SpeBot.Core.Storage;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Core;

/// <summary>The whole host with Storage:Provider=postgres: it migrates, is ready, and a proposal is stored, acked and posted.</summary>
public sealed class PostgresHostTests : SlackHost
{
    protected override StorageProvider Provider => StorageProvider.Postgres;

    [PostgresFact]
    public async Task TheHostOnPostgreSqlIsReadyAtTheCurrentSchemaVersion()
    {
        var health = JsonNode.Parse(await Client.GetStringAsync("/healthz"))!;
        var ready = await Client.GetAsync("/readyz");

        Assert.Equal(Migrator.Embedded(StorageProvider.Postgres).Max(m => m.Version), health["database"]!["schemaVersion"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [PostgresFact]
    public async Task AProposalOnPostgreSqlIsNumberedStoredAndItsCardPostedOnce()
    {
        var ack = await CommandAsync("propose Rotate the TLS keys #security");
        await CommandAsync("propose Trim the CI cache");

        Assert.Contains("SPE-1", TextOf(ack), StringComparison.Ordinal);
        await SpeBotFactory.WaitUntilAsync(() => Query<long>("SELECT COUNT(*) FROM posted_messages WHERE kind = 'item_card'").Single() == 2, what: "two cards");
        Assert.Equal([(1L, "Rotate the TLS keys", "security"), (2L, "Trim the CI cache", "other")],
            Query<(long, string, string)>("SELECT number, title, category FROM items ORDER BY number"));
        Assert.Equal(2, Slack.CallsTo("chat.postMessage").Count);
        Assert.Equal(0L, Query<long>("SELECT COUNT(*) FROM outbox WHERE status <> 'sent'").Single());
    }
}

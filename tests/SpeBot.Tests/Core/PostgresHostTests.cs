using System.Net;
using Microsoft.Extensions.Configuration;
using SpeBot.Host.Admin;
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

    [PostgresFact]
    public async Task AdminStatsNamesTheDatabaseWithoutItsPasswordAndBackupPointsToPgDump()
    {
        await CommandAsync("propose One item");
        var configuration = Factory.Get<IConfiguration>();
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var stats = await AdminCommandLine.RunAsync(Factory.Services, configuration, ["stats"], stdout, stderr, CancellationToken.None);
        var file = Path.Combine(Path.GetTempPath(), $"spebot-pg-backup-{Guid.NewGuid():N}.db");
        var backup = await AdminCommandLine.RunAsync(Factory.Services, configuration, ["backup", file], stdout, stderr, CancellationToken.None);

        Assert.Equal(0, stats);
        Assert.Contains("PostgreSQL database spebot_t_", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("Items           1 (1 open)", stdout.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, backup);
        Assert.Contains("pg_dump", stderr.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(file));
    }
}

using System.Net;
using System.Text.Json.Nodes;
using SpeBot.Core;
using SpeBot.Core.Outbox;
using SpeBot.Core.Storage;
using SpeBot.Core.Workspaces;
using SpeBot.Host.Health;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Core;

public sealed class HealthzTests : SlackHost
{
    [Fact]
    public async Task HealthzReportsDatabaseSchemaPlatformsAndAnEmptyOutbox()
    {
        var response = await Client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("ok", json["status"]!.GetValue<string>());
        Assert.True(json["database"]!["reachable"]!.GetValue<bool>());
        Assert.Equal(Migrator.Embedded().Max(m => m.Version), json["database"]!["schemaVersion"]!.GetValue<int>());
        Assert.True(json["platforms"]!["slack"]!.GetValue<bool>());
        Assert.False(json["platforms"]!["teams"]!.GetValue<bool>());
        Assert.Equal(0, json["outbox"]!["backlog"]!.GetValue<long>());
        Assert.Equal(0, json["outbox"]!["dead"]!.GetValue<long>());
    }

    [Fact]
    public async Task PendingOutboxRowCountsInTheBacklog()
    {
        var workspace = await Factory.Get<WorkspaceStore>().EnsureAsync(Platform.Slack, "T1");
        var outbox = Factory.Get<OutboxStore>();
        // Due tomorrow, so the running dispatcher leaves it pending while we look.
        await outbox.EnqueueAloneAsync(Factory.Get<Database>(), new OutboundMessage(Platform.Slack, workspace.Id, "C1", OutboxKinds.Notice,
                new OutboundBody { Key = "help.more" }, "test:pending", Delay: TimeSpan.FromDays(1)));

        var json = JsonNode.Parse(await Client.GetStringAsync("/healthz"))!;

        Assert.Equal(1, json["outbox"]!["backlog"]!.GetValue<long>());
        Assert.Equal(0, json["outbox"]!["dead"]!.GetValue<long>());
    }

    [Fact]
    public async Task DeadOutboxRowCountsAsDeadNotBacklog()
    {
        var workspace = await Factory.Get<WorkspaceStore>().EnsureAsync(Platform.Slack, "T1");
        var outbox = Factory.Get<OutboxStore>();
        await outbox.EnqueueAloneAsync(Factory.Get<Database>(), new OutboundMessage(Platform.Slack, workspace.Id, "C1", OutboxKinds.Notice,
                new OutboundBody { Key = "help.more" }, "test:dead", Delay: TimeSpan.FromDays(1)));
        var row = await outbox.FindAsync("test:dead");
        await outbox.DeadAsync(row!, "channel_not_found");

        var json = JsonNode.Parse(await Client.GetStringAsync("/healthz"))!;

        Assert.Equal(0, json["outbox"]!["backlog"]!.GetValue<long>());
        Assert.Equal(1, json["outbox"]!["dead"]!.GetValue<long>());
    }

    [Fact]
    public async Task BacklogIsRecountedOnlyAfterTwoSecondsSoProbesStayCheapUnderABigBacklog()
    {
        using var db = new TestDatabase();
        var backlog = new OutboxBacklog(db.Outbox, db.Clock);
        var workspace = await db.Workspaces.EnsureAsync(Platform.Slack, "T1");
        Assert.Equal(0, (await backlog.GetAsync(CancellationToken.None)).Pending);

        await db.Outbox.EnqueueAloneAsync(db.Db, new OutboundMessage(Platform.Slack, workspace.Id, "C1", OutboxKinds.Notice,
            new OutboundBody { Key = "help.more" }, "test:later", Delay: TimeSpan.FromDays(1)));
        var withinTwoSeconds = await backlog.GetAsync(CancellationToken.None);
        db.Clock.Advance(OutboxBacklog.MaxAge);
        var after = await backlog.GetAsync(CancellationToken.None);

        Assert.Equal(0, withinTwoSeconds.Pending);
        Assert.Equal(1, after.Pending);
    }

    [Fact]
    public async Task TheSchemaVersionIsReadAtMostEveryTwoSecondsSoProbesCostNoQueryEach()
    {
        using var db = new TestDatabase();
        var probe = new SchemaProbe(db.Migrator, db.Clock);
        var before = await probe.VersionAsync(CancellationToken.None);

        // A newer build migrated the database meanwhile: probes within the two seconds share the first read.
        await db.Db.WriteAsync((c, tx) => Dapper.SqlMapper.ExecuteAsync(c,
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@v, 'later', 'x')", new { v = before + 1 }, tx));
        var withinTwoSeconds = await probe.VersionAsync(CancellationToken.None);
        db.Clock.Advance(OutboxBacklog.MaxAge);
        var after = await probe.VersionAsync(CancellationToken.None);

        Assert.Equal(before, withinTwoSeconds);
        Assert.Equal(before + 1, after);
    }
}

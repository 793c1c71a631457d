using System.Text.Json.Nodes;
using SpeBot.Core;
using SpeBot.Core.Outbox;
using SpeBot.Core.Storage;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Teams;

/// <summary>Notices addressed to a person open a 1:1 chat once (Connector "create conversation") and reuse it after.</summary>
public sealed class DirectNoticeTests : TeamsHost
{
    private async Task NoticeToUserAsync(string userId, string title, string dedupe)
    {
        var workspaceId = Query<long>("SELECT id FROM workspaces WHERE platform = 'teams'").Single();
        var notices = Factory.Get<Notices>();
        await Factory.Get<Database>().WriteAsync(async (c, tx) =>
        {
            await notices.EnqueueAsync(c, tx, Platform.Teams, workspaceId, userId, userId,
                new Message("claim.expired", new() { ["ref"] = "SPE-1", ["title"] = title, ["days"] = 7 }), dedupe, ephemeral: false, CancellationToken.None);
            return 0;
        });
        Factory.Get<OutboxSignal>().Notify();
    }

    private IReadOnlyList<ConnectorCall> DmSends() => Bot.CallsTo("POST", "/v3/conversations/a:1dm-chat/activities");

    [Fact]
    public async Task NoticeToAPersonCreatesA1To1ChatOnceThroughAKnownServiceUrlAndReusesIt()
    {
        await ProposeAsync("Cut CI time");
        await SpeBotFactory.WaitUntilAsync(() => Bot.Calls.Any(c => c.Path.EndsWith("/activities/1700000000001", StringComparison.Ordinal)), what: "reply");
        Bot.Script(new ConnectorAnswer(200, new JsonObject { ["id"] = "a:1dm-chat" }));

        await NoticeToUserAsync(ActivityBuilder.UserAad, "Fix <b>flaky</b> test", "dm:1");
        await SpeBotFactory.WaitUntilAsync(() => DmSends().Count == 1, what: "first DM");
        await NoticeToUserAsync(ActivityBuilder.UserAad, "Second", "dm:2");
        await SpeBotFactory.WaitUntilAsync(() => DmSends().Count == 2, what: "second DM");

        var create = Assert.Single(Bot.Calls, c => c.Path == "/v3/conversations" && c.Body["members"] is not null);
        Assert.False(create.Body["isGroup"]!.GetValue<bool>());
        Assert.Equal(ActivityBuilder.UserAad, create.Body["members"]![0]!["id"]!.GetValue<string>());
        Assert.Equal(BotFrameworkIdentity.TenantId, create.Body["tenantId"]!.GetValue<string>());
        Assert.Equal(BotFrameworkIdentity.TenantId, create.Body["channelData"]!["tenant"]!["id"]!.GetValue<string>());
        Assert.Equal(ActivityBuilder.BotId, create.Body["bot"]!["id"]!.GetValue<string>());
        Assert.Null(create.Body["channelData"]!["channel"]);
        Assert.Equal("Bearer outbound-test-token", create.Authorization);

        Assert.Contains("Your claim on SPE-1 (Fix &lt;b&gt;flaky&lt;/b&gt; test)", DmSends()[0].Body["text"]!.GetValue<string>());
        Assert.Contains("(Second)", DmSends()[1].Body["text"]!.GetValue<string>());
        var stored = Query<string>("SELECT reference FROM conversation_refs WHERE conversation_id = @u", new { u = ActivityBuilder.UserAad }).Single();
        Assert.Contains("a:1dm-chat", stored);
    }

    [Fact]
    public async Task NoticeToAPersonIsDeadLetteredWhenTeamsRefusesTheChat()
    {
        await ProposeAsync("Cut CI time");
        await SpeBotFactory.WaitUntilAsync(() => Bot.Calls.Any(c => c.Path.EndsWith("/activities/1700000000001", StringComparison.Ordinal)), what: "reply");
        Bot.Script(new ConnectorAnswer(403, new JsonObject { ["error"] = new JsonObject { ["code"] = "BotNotInConversationRoster" } }));

        await NoticeToUserAsync(ActivityBuilder.UserAad, "Cut CI time", "dm:1");
        await SpeBotFactory.WaitUntilAsync(() => Query<long>("SELECT COUNT(*) FROM outbox WHERE kind = 'notice' AND status = 'dead'").Single() == 1, what: "dead letter");

        Assert.Empty(Query<string>("SELECT reference FROM conversation_refs WHERE conversation_id = @u", new { u = ActivityBuilder.UserAad }));
    }
}

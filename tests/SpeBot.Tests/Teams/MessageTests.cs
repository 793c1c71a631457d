using System.Net;
using System.Text.Json.Nodes;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Teams;

/// <summary>Messages reach the same router as Slack; answers and cards leave through the outbox and the Connector.</summary>
public sealed class MessageTests : TeamsHost
{
    [Fact]
    public async Task ChannelMentionProposeStoresTheItemRepliesInTheThreadAndPostsTheCardAsANewThread()
    {
        var (itemId, cardId) = await ProposeAsync("Rotate certs &amp; &lt;keys&gt;"); // Teams sends user text HTML-escaped

        var item = Query<(string Title, string AuthorId, string Platform)>(
            "SELECT title AS Title, author_id AS AuthorId, author_platform AS Platform FROM items WHERE id = @itemId", new { itemId }).Single();
        Assert.Equal(("Rotate certs & <keys>", ActivityBuilder.UserAad, "teams"), item);
        Assert.Equal(1, Query<long>("SELECT COUNT(*) FROM workspaces WHERE platform = 'teams' AND external_id = @t", new { t = BotFrameworkIdentity.TenantId }).Single());

        var create = Assert.Single(Bot.CallsTo("POST", "/v3/conversations"), c => c.Path == "/v3/conversations");
        Assert.Equal("Bearer outbound-test-token", create.Authorization);
        Assert.True(create.Body["isGroup"]!.GetValue<bool>());
        Assert.Equal(ActivityBuilder.Channel, create.Body["channelData"]!["channel"]!["id"]!.GetValue<string>());
        Assert.Equal(BotFrameworkIdentity.TenantId, create.Body["tenantId"]!.GetValue<string>());
        var attachment = create.Body["activity"]!["attachments"]![0]!;
        Assert.Equal("application/vnd.microsoft.card.adaptive", attachment["contentType"]!.GetValue<string>());
        var card = attachment["content"]!.AsObject();
        Assert.Equal("AdaptiveCard", card["type"]!.GetValue<string>());
        Assert.Equal("1.5", card["version"]!.GetValue<string>());
        Assert.Equal("SPE-1 Rotate certs &amp; &lt;keys&gt;", card["body"]![0]!["text"]!.GetValue<string>());
        var actions = card["actions"]!.AsArray();
        Assert.Equal(["spe.vote", "spe.claim", "spe.details"], actions.Select(a => a!["verb"]!.GetValue<string>()));
        Assert.All(actions, a => Assert.Equal("Action.Execute", a!["type"]!.GetValue<string>()));
        Assert.All(actions, a => Assert.Equal(itemId.ToString(System.Globalization.CultureInfo.InvariantCulture), a!["data"]!["itemId"]!.GetValue<string>()));
        Assert.Contains("proposed by <at>Aiko Tanaka</at>", card["body"]![1]!["text"]!.GetValue<string>());
        Assert.Equal(ActivityBuilder.UserAad, card["msteams"]!["entities"]![0]!["mentioned"]!["id"]!.GetValue<string>());
        Assert.True(long.TryParse(cardId, out _));

        await SpeBotFactory.WaitUntilAsync(() => Bot.Calls.Any(c => c.Path.EndsWith("/activities/1700000000001", StringComparison.Ordinal)), what: "reply");
        var reply = Bot.Calls.Single(c => c.Path.EndsWith("/activities/1700000000001", StringComparison.Ordinal));
        Assert.Equal("POST", reply.Method);
        Assert.Equal($"/v3/conversations/{ActivityBuilder.Channel};messageid=1700000000001/activities/1700000000001", reply.Path);
        Assert.Equal("1700000000001", reply.Body["replyToId"]!.GetValue<string>());
        Assert.Equal("Proposed SPE-1: Rotate certs &amp; &lt;keys&gt;. Its card is on its way to the channel.", reply.Body["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task ProposeInPersonalChatSendsTheCardIntoThatChat()
    {
        var response = await SendAsync(ActivityBuilder.PersonalMessage(Bot.ServiceUrl, "propose Drop unused indexes"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await SpeBotFactory.WaitUntilAsync(() => Bot.CallsTo("POST", $"/v3/conversations/{ActivityBuilder.Personal}/activities").Count >= 2, what: "card and reply");
        var calls = Bot.CallsTo("POST", $"/v3/conversations/{ActivityBuilder.Personal}/activities");
        Assert.Contains(calls, c => c.Path == $"/v3/conversations/{ActivityBuilder.Personal}/activities" && c.Text.Contains("SPE-1 Drop unused indexes"));
        Assert.DoesNotContain(Bot.Calls, c => c.Path == "/v3/conversations");
    }

    [Fact]
    public async Task OtherVerbsGoThroughTheSameRouterAndPeopleMentionsBecomeNeutralIds()
    {
        await ProposeAsync("Fix flaky test");
        var assign = ActivityBuilder.ChannelMention(Bot.ServiceUrl, "list <at>Ken</at>", "1700000000002");
        assign["entities"]!.AsArray().Add(new JsonObject
        {
            ["type"] = "mention", ["text"] = "<at>Ken</at>",
            ["mentioned"] = new JsonObject { ["id"] = "29:1ken-abcdefghij", ["name"] = "Ken", ["aadObjectId"] = "99999999-8888-7777-6666-555555555555" },
        });
        await SendAsync(assign);
        await SpeBotFactory.WaitUntilAsync(() => Bot.Calls.Any(c => c.Path.EndsWith("/activities/1700000000002", StringComparison.Ordinal)), what: "list reply");

        var help = ActivityBuilder.ChannelMention(Bot.ServiceUrl, "frobnicate", "1700000000003");
        await SendAsync(help);
        await SpeBotFactory.WaitUntilAsync(() => Bot.Calls.Any(c => c.Path.EndsWith("/activities/1700000000003", StringComparison.Ordinal)), what: "help reply");
        Assert.Contains("frobnicate", Bot.Calls.Single(c => c.Path.EndsWith("/activities/1700000000003", StringComparison.Ordinal)).Text);
    }

    [Fact]
    public async Task RetriedMessageIsHandledOnce()
    {
        var message = ActivityBuilder.PersonalMessage(Bot.ServiceUrl, "propose Archive old logs", "1700000000200");
        await Task.WhenAll(SendAsync(message), SendAsync(message), SendAsync(message));
        await SpeBotFactory.WaitUntilAsync(() => Bot.CallsTo("POST", $"/v3/conversations/{ActivityBuilder.Personal}/activities").Count >= 2, what: "card and reply");
        await Task.Delay(300);
        Assert.Equal(1, Query<long>("SELECT COUNT(*) FROM items").Single());
        Assert.Equal(2, Bot.CallsTo("POST", $"/v3/conversations/{ActivityBuilder.Personal}/activities").Count);
    }

    [Fact]
    public async Task ConnectorRateLimitIsRetriedAfterRetryAfter()
    {
        Bot.Script(new ConnectorAnswer(429, new JsonObject { ["error"] = new JsonObject { ["code"] = "Throttled" } }, RetryAfterSeconds: 1));
        await SendAsync(ActivityBuilder.PersonalMessage(Bot.ServiceUrl, "propose Trim dashboards"));
        await SpeBotFactory.WaitUntilAsync(() => Query<long>("SELECT COUNT(*) FROM posted_messages").Single() == 1, what: "card after retry");
        var calls = Bot.Calls.OrderBy(c => c.At).ToList();
        Assert.True(calls.Count >= 2);
        var retry = calls.Skip(1).First(c => c.Text.Contains("AdaptiveCard") || c.Path.EndsWith("/activities/1700000000101", StringComparison.Ordinal));
        Assert.True(retry.At - calls[0].At >= TimeSpan.FromMilliseconds(900), $"retried after {(retry.At - calls[0].At).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task InstallStoresTheConversationReferenceAndCardsGoToItsServiceUrl()
    {
        var install = ActivityBuilder.Base("installationUpdate", Bot.ServiceUrl);
        install["action"] = "add";
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(install)).StatusCode);
        var stored = Query<(string Conversation, string ServiceUrl)>("SELECT conversation_id AS Conversation, service_url AS ServiceUrl FROM conversation_refs").Single();
        Assert.Equal((ActivityBuilder.Channel, Bot.ServiceUrl), stored);

        // A card queued later (no inbound activity in flight) is posted with the stored reference alone.
        var store = Factory.Get<SpeBot.Core.Items.Proposals>();
        var workspace = await Factory.Get<SpeBot.Core.Workspaces.WorkspaceStore>().EnsureAsync(SpeBot.Core.Platform.Teams, BotFrameworkIdentity.TenantId);
        await store.SubmitAsync(SpeBot.Core.Platform.Teams, new SpeBot.Core.Items.NewItem(workspace.Id, "Proactive card", "teams", ActivityBuilder.UserAad,
            ChannelId: ActivityBuilder.Channel), ActivityBuilder.Channel, CancellationToken.None);
        await SpeBotFactory.WaitUntilAsync(() => Bot.Calls.Any(c => c.Path == "/v3/conversations"), what: "proactive card");
        Assert.Contains("Proactive card", Bot.Calls.Single(c => c.Path == "/v3/conversations").Text);
    }
}

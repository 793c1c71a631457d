using System.Text.Json.Nodes;
using SpeBot.Core;
using SpeBot.Core.Outbox;
using SpeBot.Core.Storage;
using SpeBot.Core.Workspaces;
using SpeBot.Host.Teams;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Teams;

/// <summary>
/// A Teams send that can never succeed is dead-lettered at once with its reason; only what can succeed later is retried
/// (teams-platform.md §5: retry 429, 412, 502, 503, 504; a 403 MessageWritesBlocked stops retrying) (issue 19, point 4).
/// </summary>
public sealed class PermanentErrorTests : TeamsHost
{
    /// <summary>The personal chat is known (its first message stored the reference); returns the workspace id.</summary>
    private async Task<long> PersonalChatAsync()
    {
        await SendAsync(ActivityBuilder.PersonalMessage(Bot.ServiceUrl, "help", "f:hello"));
        await SpeBotFactory.WaitUntilAsync(() => Bot.Calls.Any(c => c.Path.EndsWith("/activities/f:hello", StringComparison.Ordinal)), what: "help answered");
        return (await Factory.Get<WorkspaceStore>().EnsureAsync(Platform.Teams, BotFrameworkIdentity.TenantId)).Id;
    }

    private Task NoticeAsync(long workspaceId, string channel, string key) =>
        Factory.Get<OutboxStore>().EnqueueAloneAsync(Factory.Get<Database>(), new OutboundMessage(Platform.Teams, workspaceId, channel, OutboxKinds.Notice,
            new OutboundBody { Key = "vote.added", Args = new() { ["ref"] = "SPE-1" } }, key));

    private OutboxRowState Row(string key) => Factory.Query<OutboxRowState>(
        "SELECT id, kind, status, attempts, last_error AS LastError, external_id AS ExternalId, dedupe_key AS DedupeKey FROM outbox WHERE dedupe_key = @key",
        new { key }).Single();

    private List<ConnectorCall> NoticeCalls() =>
        Bot.CallsTo("POST", $"/v3/conversations/{ActivityBuilder.Personal}/activities").Where(c => c.Text.Contains("SPE-1", StringComparison.Ordinal)).ToList();

    [Theory]
    [InlineData(400, "BadArgument", 1)]
    [InlineData(401, "Unauthorized", 2)] // one forced token refresh first (ConnectorTests)
    [InlineData(403, "MessageWritesBlocked", 1)]
    [InlineData(404, "ConversationNotFound", 1)]
    public async Task ConnectorRefusalIsDeadLetteredAtTheFirstAttemptWithItsStatus(int status, string code, int calls)
    {
        var workspace = await PersonalChatAsync();
        Bot.Script([.. Enumerable.Repeat(new ConnectorAnswer(status, new JsonObject { ["error"] = new JsonObject { ["code"] = code } }), calls)]);

        await NoticeAsync(workspace, ActivityBuilder.Personal, "notice:refused");

        await SpeBotFactory.WaitUntilAsync(() => Row("notice:refused").Status == "dead", what: "dead letter");
        var row = Row("notice:refused");
        Assert.Equal(1, row.Attempts);
        Assert.Contains($"HTTP {status} {code}", row.LastError);
        Assert.Equal(calls, NoticeCalls().Count);
    }

    [Theory]
    [InlineData(412)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public async Task ConnectorErrorThatCanSucceedLaterIsRetried(int status)
    {
        var workspace = await PersonalChatAsync();
        Bot.Script(new ConnectorAnswer(status));

        await NoticeAsync(workspace, ActivityBuilder.Personal, "notice:later");

        await SpeBotFactory.WaitUntilAsync(() => Row("notice:later").Status == "sent", what: "sent on a later attempt");
        Assert.Equal(2, NoticeCalls().Count);
    }

    [Fact]
    public async Task ReplyToAServiceUrlNoLongerAllowedIsDeadLetteredAtOnceWithTheReason()
    {
        var workspace = await PersonalChatAsync();
        // A reference stored while its host was allowed; the allow-list has since been narrowed to the loopback Connector.
        const string gone = "https://smba.trafficmanager.net/amer/";
        await Factory.Get<ConversationReferences>().SaveAsync(workspace,
            new ConversationReference("a:1oldchat", gone, "personal", BotFrameworkIdentity.TenantId, ActivityBuilder.BotId, null, null, "en-US"));

        var tokensBefore = Tokens.Invocations.Count;

        await NoticeAsync(workspace, "a:1oldchat", "notice:gone");

        await SpeBotFactory.WaitUntilAsync(() => Row("notice:gone").Status == "dead", what: "dead letter");
        var row = Row("notice:gone");
        Assert.Equal(1, row.Attempts);
        Assert.Contains("not in Teams:AllowedServiceUrls", row.LastError);
        Assert.Equal(tokensBefore, Tokens.Invocations.Count); // no token was minted for that host
    }
}

using System.Text.Json.Nodes;
using Moq;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Teams;

/// <summary>Outbound failures: a stale token is refreshed once; a blocked conversation is dead-lettered, not retried forever.</summary>
public sealed class ConnectorTests : TeamsHost
{
    [Fact]
    public async Task ConnectorUnauthorizedForcesOneTokenRefreshAndRetries()
    {
        Tokens.SetupSequence(t => t.GetTokenAsync(false, It.IsAny<CancellationToken>())).ReturnsAsync("stale-token").ReturnsAsync("outbound-test-token");
        Tokens.Setup(t => t.GetTokenAsync(true, It.IsAny<CancellationToken>())).ReturnsAsync("fresh-token");
        Bot.Script(new ConnectorAnswer(401, new JsonObject { ["error"] = new JsonObject { ["code"] = "Unauthorized" } }));

        await SendAsync(ActivityBuilder.PersonalMessage(Bot.ServiceUrl, "propose Renew TLS"));
        await SpeBotFactory.WaitUntilAsync(() => Query<long>("SELECT COUNT(*) FROM posted_messages").Single() == 1, what: "card");

        var first = Bot.Calls.OrderBy(c => c.At).Take(2).ToList();
        Assert.Equal("Bearer stale-token", first[0].Authorization);
        Assert.Equal("Bearer fresh-token", first[1].Authorization);
        Tokens.Verify(t => t.GetTokenAsync(true, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task BlockedConversationDeadLettersTheRowWithoutRetrying()
    {
        Bot.Script(new ConnectorAnswer(403, new JsonObject { ["error"] = new JsonObject { ["code"] = "MessageWritesBlocked", ["message"] = "Thread is blocked" } }));
        await SendAsync(ActivityBuilder.PersonalMessage(Bot.ServiceUrl, "propose Remove cron jobs"));

        await SpeBotFactory.WaitUntilAsync(() => Query<long>("SELECT COUNT(*) FROM outbox WHERE status = 'dead'").Single() == 1, what: "dead row");
        var error = Query<string>("SELECT last_error FROM outbox WHERE status = 'dead'").Single();
        Assert.Contains("403", error);
        Assert.Contains("MessageWritesBlocked", error);
        Assert.DoesNotContain("token", error, StringComparison.OrdinalIgnoreCase);
    }
}

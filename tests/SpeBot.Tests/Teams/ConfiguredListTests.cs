using System.Net;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Teams;

/// <summary>A configured Teams list replaces its default instead of extending it (issue 19, point 3).</summary>
public sealed class ConfiguredListTests : TeamsHost
{
    // TeamsHost configures Teams:AllowedServiceUrls as the loopback Connector only.
    protected override Dictionary<string, string?> Settings => new() { ["Teams:VoteReactions:0"] = "heart" };

    [Fact]
    public async Task ConfiguredServiceUrlsReplaceTheBuiltInMicrosoftHosts()
    {
        const string builtIn = "https://smba.trafficmanager.net/amer/";
        var activity = ActivityBuilder.PersonalMessage(builtIn, "help", "f:svc-1");

        var response = await SendAsync(activity, Bot.Token(serviceUrl: builtIn));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, Query<long>("SELECT COUNT(*) FROM conversation_refs").Single());
    }

    [Fact]
    public async Task ConfiguredVoteReactionsReplaceLike()
    {
        var (itemId, cardId) = await ProposeAsync("Cut CI minutes");

        await SendAsync(ActivityBuilder.Reaction(Bot.ServiceUrl, cardId, "like", true, "f:l-1"));
        Assert.Equal(0, Query<long>("SELECT COUNT(*) FROM votes WHERE item_id = @itemId", new { itemId }).Single());
        await SendAsync(ActivityBuilder.Reaction(Bot.ServiceUrl, cardId, "heart", true, "f:l-2"));
        Assert.Equal(1, Query<long>("SELECT COUNT(*) FROM votes WHERE item_id = @itemId", new { itemId }).Single());
    }
}

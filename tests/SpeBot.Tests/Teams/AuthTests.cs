using System.Net;
using System.Text;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Teams;

/// <summary>teams-platform.md §1–§2: every Connector token check, each with the status Teams expects.</summary>
public sealed class AuthTests : TeamsHost
{
    private Task<HttpResponseMessage> PingAsync(string? token, string? serviceUrl = null) =>
        Client.SendAsync(ActivityBuilder.Request(ActivityBuilder.Base("conversationUpdate", serviceUrl ?? Bot.ServiceUrl), token));

    [Fact]
    public async Task ValidConnectorTokenIsAccepted()
    {
        var response = await PingAsync(Bot.Token());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ForgedSignatureIsRejected() => Assert.Equal(HttpStatusCode.Unauthorized, (await PingAsync(Bot.Token(forge: true))).StatusCode);

    [Fact]
    public async Task ExpiredTokenBeyondTheFiveMinuteSkewIsRejected() =>
        Assert.Equal(HttpStatusCode.Unauthorized, (await PingAsync(Bot.Token(expires: DateTimeOffset.UtcNow.AddMinutes(-6)))).StatusCode);

    [Fact]
    public async Task TokenExpiredWithinTheSkewIsStillAccepted() =>
        Assert.Equal(HttpStatusCode.OK, (await PingAsync(Bot.Token(expires: DateTimeOffset.UtcNow.AddMinutes(-2)))).StatusCode);

    [Fact]
    public async Task TokenForAnotherAppIsRejected() =>
        Assert.Equal(HttpStatusCode.Unauthorized, (await PingAsync(Bot.Token(audience: Guid.NewGuid().ToString()))).StatusCode);

    [Fact]
    public async Task TokenFromAnotherIssuerIsRejected() =>
        Assert.Equal(HttpStatusCode.Unauthorized, (await PingAsync(Bot.Token(issuer: "https://sts.windows.net/" + BotFrameworkIdentity.TenantId + "/"))).StatusCode);

    [Fact]
    public async Task KeyWithoutTheTeamsEndorsementIsForbidden() =>
        Assert.Equal(HttpStatusCode.Forbidden, (await PingAsync(Bot.Token(kid: BotFrameworkIdentity.UnendorsedKid))).StatusCode);

    [Fact]
    public async Task ServiceUrlClaimThatDiffersFromTheActivityIsRejected() =>
        Assert.Equal(HttpStatusCode.Unauthorized, (await PingAsync(Bot.Token(serviceUrl: Bot.BaseUrl + "/elsewhere/"))).StatusCode);

    [Fact]
    public async Task ServiceUrlClaimDifferingOnlyInCaseAndTrailingSlashIsAccepted() =>
        Assert.Equal(HttpStatusCode.OK, (await PingAsync(Bot.Token(serviceUrl: Bot.ServiceUrl.TrimEnd('/').ToUpperInvariant().Replace("/CONNECTOR", "/connector", StringComparison.Ordinal)))).StatusCode);

    [Fact]
    public async Task ServiceUrlOutsideTheAllowListIsRejectedEvenWithAMatchingClaim()
    {
        const string evil = "https://evil.example.com/amer/";
        Assert.Equal(HttpStatusCode.Unauthorized, (await PingAsync(Bot.Token(serviceUrl: evil), evil)).StatusCode);
        Assert.Equal(0, Query<long>("SELECT COUNT(*) FROM conversation_refs").Single());
    }

    [Fact]
    public async Task MissingOrNonBearerAuthorizationIsRejected()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await PingAsync(null)).StatusCode);
        var request = ActivityBuilder.Request(ActivityBuilder.Base("message", Bot.ServiceUrl), null);
        request.Headers.TryAddWithoutValidation("Authorization", "Basic " + Bot.Token());
        Assert.Equal(HttpStatusCode.Unauthorized, (await Client.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task ActivityFromAnotherChannelIsRejected()
    {
        var activity = ActivityBuilder.Base("message", Bot.ServiceUrl);
        activity["channelId"] = "webchat";
        Assert.NotEqual(HttpStatusCode.OK, (await SendAsync(activity)).StatusCode);
    }

    [Fact]
    public async Task BodyOverTheCapIs413AndNonJsonOrTypelessBodiesAre400()
    {
        var big = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = new StringContent(new string('x', 300_000), Encoding.UTF8, "application/json") };
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await Client.SendAsync(big)).StatusCode);
        var notJson = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = new StringContent("type=message", Encoding.UTF8, "application/json") };
        Assert.Equal(HttpStatusCode.BadRequest, (await Client.SendAsync(notJson)).StatusCode);
        var typeless = ActivityBuilder.Base("message", Bot.ServiceUrl);
        typeless.Remove("type");
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(typeless)).StatusCode);
    }

    [Fact]
    public async Task UnknownActivityTypesAndUnknownFieldsAreAcceptedQuietly()
    {
        var activity = ActivityBuilder.Base("somethingNew", Bot.ServiceUrl);
        activity["brandNewField"] = new System.Text.Json.Nodes.JsonObject { ["x"] = 1 };
        activity["entities"]!.AsArray().Add(new System.Text.Json.Nodes.JsonObject { ["type"] = "QuotedReply", ["odd"] = true });
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(activity)).StatusCode);
    }

    [Fact]
    public async Task HealthReportsTeamsOn()
    {
        var health = await Client.GetStringAsync("/healthz");
        Assert.Contains("\"teams\":true", health);
    }
}

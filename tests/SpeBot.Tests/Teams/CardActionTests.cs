using System.Diagnostics;
using System.Net;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Teams;

/// <summary>Action.Execute buttons answered through adaptiveCard/action with the refreshed card, idempotent under retries.</summary>
public sealed class CardActionTests : TeamsHost
{
    [Fact]
    public async Task VoteButtonAnswersWithTheRefreshedCardAndARetryDoesNotToggleBack()
    {
        var (itemId, cardId) = await ProposeAsync("Cut CI minutes");
        var click = ActivityBuilder.CardAction(Bot.ServiceUrl, "spe.vote", itemId, cardId, "f:click-1");

        var watch = Stopwatch.StartNew();
        var first = await InvokeAsync(click);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"answered in {watch.ElapsedMilliseconds} ms");
        var retry = await InvokeAsync(click);

        Assert.Equal(200, first["statusCode"]!.GetValue<int>());
        Assert.Equal("application/vnd.microsoft.card.adaptive", first["type"]!.GetValue<string>());
        Assert.Equal("1.5", first["value"]!["version"]!.GetValue<string>());
        Assert.Matches(@"\b1 vote\b", first.ToJsonString());
        Assert.Matches(@"\b1 vote\b", retry.ToJsonString());
        Assert.Equal(1, Query<long>("SELECT COUNT(*) FROM votes WHERE item_id = @itemId", new { itemId }).Single());

        // A new click (new activity id) toggles the vote off, and the shared card is replaced in place.
        var again = await InvokeAsync(ActivityBuilder.CardAction(Bot.ServiceUrl, "spe.vote", itemId, cardId, "f:click-2"));
        Assert.Contains("0 votes", again.ToJsonString());
        await SpeBotFactory.WaitUntilAsync(() => Bot.CallsTo("PUT", "/v3/conversations/").Count > 0, what: "card update");
        var put = Bot.CallsTo("PUT", "/v3/conversations/").Last();
        Assert.Equal($"/v3/conversations/{ActivityBuilder.Channel}/activities/{cardId}", put.Path);
        Assert.Equal(cardId, put.Body["id"]!.GetValue<string>());
        Assert.Equal("application/vnd.microsoft.card.adaptive", put.Body["attachments"]![0]!["contentType"]!.GetValue<string>());
    }

    [Fact]
    public async Task ClaimButtonClaimsForTheClickerAndShowsItOnTheCard()
    {
        var (itemId, cardId) = await ProposeAsync("Upgrade Node 18");
        var answer = await InvokeAsync(ActivityBuilder.CardAction(Bot.ServiceUrl, "spe.claim", itemId, cardId, "f:claim-1"));
        await InvokeAsync(ActivityBuilder.CardAction(Bot.ServiceUrl, "spe.claim", itemId, cardId, "f:claim-1"));

        Assert.Contains("Claimed by <at>Aiko Tanaka</at>", answer.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        var claimed = Query<(string Status, string ClaimedBy)>("SELECT status AS Status, claimed_by AS ClaimedBy FROM items WHERE id = @itemId", new { itemId }).Single();
        Assert.Equal(("in_progress", ActivityBuilder.UserAad), claimed);
        Assert.Equal(1, Query<long>("SELECT COUNT(*) FROM item_events WHERE item_id = @itemId AND action = 'claimed'", new { itemId }).Single());
    }

    [Fact]
    public async Task DetailsButtonAnswersWithAToast()
    {
        var (itemId, cardId) = await ProposeAsync("Document runbooks");
        var answer = await InvokeAsync(ActivityBuilder.CardAction(Bot.ServiceUrl, "spe.details", itemId, cardId, "f:details-1"));
        Assert.Equal("application/vnd.microsoft.activity.message", answer["type"]!.GetValue<string>());
        Assert.Contains("proposed", answer["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task ButtonForAnotherTenantsItemOrWithoutExecuteIsRefused()
    {
        var (itemId, cardId) = await ProposeAsync("Rotate keys");
        var other = ActivityBuilder.CardAction(Bot.ServiceUrl, "spe.vote", itemId, cardId, "f:x-1");
        other["conversation"]!["tenantId"] = Guid.NewGuid().ToString();
        var toast = await InvokeAsync(other);
        Assert.Equal("application/vnd.microsoft.activity.message", toast["type"]!.GetValue<string>());
        Assert.Equal(0, Query<long>("SELECT COUNT(*) FROM votes").Single());

        var bad = ActivityBuilder.CardAction(Bot.ServiceUrl, "spe.vote", itemId, cardId, "f:x-2");
        bad["value"]!["action"]!["type"] = "Action.Submit";
        var response = await SendAsync(bad);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("application/vnd.microsoft.error", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task UnknownInvokeIsNotImplemented()
    {
        var invoke = ActivityBuilder.Base("invoke", Bot.ServiceUrl);
        invoke["name"] = "tab/fetch";
        Assert.Equal(HttpStatusCode.NotImplemented, (await SendAsync(invoke)).StatusCode);
    }
}

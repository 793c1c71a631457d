using System.Diagnostics;
using System.Text.Json.Nodes;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Teams;

/// <summary>"Propose as SPE item": fetchTask opens a prefilled dialog; submitAction stores the item once, inside 5 s.</summary>
public sealed class MessageActionTests : TeamsHost
{
    private const string Html = "<div><p>Build takes 40 min &amp; is flaky</p><p>See the <b>CI</b> job</p></div>";

    [Fact]
    public async Task FetchTaskAnswersWithADialogPrefilledFromTheMessage()
    {
        var answer = await InvokeAsync(ActivityBuilder.MessageAction(Bot.ServiceUrl, "composeExtension/fetchTask", Html, "f:fetch-1"));

        var task = answer["task"]!;
        Assert.Equal("continue", task["type"]!.GetValue<string>());
        Assert.Equal("Propose SPE item", task["value"]!["title"]!.GetValue<string>());
        var card = task["value"]!["card"]!;
        Assert.Equal("application/vnd.microsoft.card.adaptive", card["contentType"]!.GetValue<string>());
        Assert.Equal("1.5", card["content"]!["version"]!.GetValue<string>());
        var inputs = card["content"]!["body"]!.AsArray().Where(e => e!["id"] is not null).ToDictionary(e => e!["id"]!.GetValue<string>(), e => e!);
        Assert.Equal("Build takes 40 min & is flaky", inputs["title"]["value"]!.GetValue<string>());
        Assert.Equal("See the CI job", inputs["detail"]["value"]!.GetValue<string>());
        Assert.Equal("Action.Submit", card["content"]!["actions"]![0]!["type"]!.GetValue<string>());
        Assert.Equal(0, Query<long>("SELECT COUNT(*) FROM items").Single());
    }

    [Fact]
    public async Task SubmitActionStoresTheItemOnceUnderRetriesAndPostsOneCard()
    {
        var data = new JsonObject { ["title"] = "CI is slow", ["detail"] = "40 minutes", ["category"] = "productivity" };
        var submit = ActivityBuilder.MessageAction(Bot.ServiceUrl, "composeExtension/submitAction", Html, "f:submit-1", data);

        var watch = Stopwatch.StartNew();
        var answers = await Task.WhenAll(InvokeAsync(submit), InvokeAsync(submit), InvokeAsync(submit));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"answered in {watch.ElapsedMilliseconds} ms");

        Assert.All(answers, a => Assert.Equal("message", a["task"]!["type"]!.GetValue<string>()));
        Assert.All(answers, a => Assert.StartsWith("Proposed SPE-1: CI is slow", a["task"]!["value"]!.GetValue<string>()));
        var item = Query<(string Title, string Category, string SourceMessageId, string SourceAuthorId, string SourcePermalink)>(
            "SELECT title AS Title, category AS Category, source_message_id AS SourceMessageId, source_author_id AS SourceAuthorId, source_permalink AS SourcePermalink FROM items").Single();
        Assert.Equal(("CI is slow", "productivity", "1611060744833", "99999999-8888-7777-6666-555555555555"), (item.Title, item.Category, item.SourceMessageId, item.SourceAuthorId));
        Assert.StartsWith("https://teams.microsoft.com/l/message/", item.SourcePermalink);

        await SpeBotFactory.WaitUntilAsync(() => Query<long>("SELECT COUNT(*) FROM posted_messages").Single() == 1, what: "card");
        await Task.Delay(300);
        var create = Assert.Single(Bot.Calls, c => c.Path == "/v3/conversations");
        Assert.Contains("SPE-1 CI is slow", create.Text);
        Assert.Contains("https://teams.microsoft.com/l/message/", create.Text);
    }
}

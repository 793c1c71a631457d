using System.Text.Json.Nodes;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Teams;

/// <summary>"propose" without a title: a message cannot open a dialog in Teams, so the answer's button does (task/fetch).</summary>
public sealed class ProposeFormTests : TeamsHost
{
    private JsonObject TaskInvoke(string name, string id, JsonObject data)
    {
        var a = ActivityBuilder.Base("invoke", Bot.ServiceUrl, id: id);
        a["name"] = name;
        a["value"] = new JsonObject { ["data"] = data };
        return a;
    }

    [Fact]
    public async Task ProposeWithoutATitleAnswersWithAButtonThatOpensTheFormKeepingTheHints()
    {
        await CommandAsync("propose #security", "1700000000301");

        var reply = Bot.Calls.Single(c => c.Path.EndsWith("/activities/1700000000301", StringComparison.Ordinal));
        var card = reply.Body["attachments"]![0]!["content"]!;
        Assert.Equal("Fill in the form to propose an SPE item.", card["body"]![0]!["text"]!.GetValue<string>());
        var button = card["actions"]![0]!;
        Assert.Equal("Action.Submit", button["type"]!.GetValue<string>());
        Assert.Equal("Open the form", button["title"]!.GetValue<string>());
        Assert.Equal("task/fetch", button["data"]!["msteams"]!["type"]!.GetValue<string>());
        Assert.Equal("propose", button["data"]!["spe"]!.GetValue<string>());
        Assert.Equal("security", button["data"]!["category"]!.GetValue<string>());
        Assert.DoesNotContain("Forms do not open", reply.Text);
    }

    [Fact]
    public async Task TheButtonOpensAnEmptyProposalFormWithTheCategoryChosen()
    {
        var answer = await InvokeAsync(TaskInvoke("task/fetch", "f:task-fetch-1",
            new JsonObject { ["msteams"] = new JsonObject { ["type"] = "task/fetch" }, ["spe"] = "propose", ["category"] = "security" }));

        var task = answer["task"]!;
        Assert.Equal("continue", task["type"]!.GetValue<string>());
        Assert.Equal("Propose SPE item", task["value"]!["title"]!.GetValue<string>());
        var body = task["value"]!["card"]!["content"]!["body"]!.AsArray();
        var inputs = body.Where(e => e!["id"] is not null).ToDictionary(e => e!["id"]!.GetValue<string>(), e => e!);
        Assert.Equal("", inputs["title"]["value"]!.GetValue<string>());
        Assert.Equal("security", inputs["category"]["value"]!.GetValue<string>());
        Assert.DoesNotContain(body, e => e!["text"]?.GetValue<string>() == "Captured from a message");
    }

    [Fact]
    public async Task ASubmittedFormStoresOneItemHoweverOftenTeamsRetriesIt()
    {
        var submit = TaskInvoke("task/submit", "f:task-submit-1", new JsonObject { ["title"] = "Cut CI time", ["detail"] = "40 min builds", ["category"] = "productivity" });

        var answers = await Task.WhenAll(InvokeAsync(submit), InvokeAsync(submit), InvokeAsync(submit));

        var texts = answers.Select(a => (Type: a["task"]!["type"]!.GetValue<string>(), Text: a["task"]!["value"]!.GetValue<string>())).ToList();
        Assert.All(texts, t => Assert.Equal("message", t.Type));
        Assert.Single(texts, t => t.Text.StartsWith("Proposed SPE-1: Cut CI time", StringComparison.Ordinal));
        Assert.Equal(2, texts.Count(t => t.Text == "That form was already submitted."));
        var item = Query<(string Title, string Category, string Detail, string Platform)>(
            "SELECT title AS Title, category AS Category, detail AS Detail, author_platform AS Platform FROM items").Single();
        Assert.Equal(("Cut CI time", "productivity", "40 min builds", "teams"), item);
        await SpeBotFactory.WaitUntilAsync(() => Query<long>("SELECT COUNT(*) FROM posted_messages WHERE platform = 'teams'").Single() == 1, what: "card");
    }

    [Fact]
    public async Task AFormWithoutATitleSaysSoAndStoresNothing()
    {
        var answer = await InvokeAsync(TaskInvoke("task/submit", "f:task-submit-2", new JsonObject { ["title"] = "  ", ["category"] = "cost" }));

        Assert.Equal("A title is needed.", answer["task"]!["value"]!.GetValue<string>());
        Assert.Equal(0, Query<long>("SELECT COUNT(*) FROM items").Single());
    }
}

using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Slack;

public sealed class CaptureTests : SlackHost
{
    [Fact]
    public async Task ProposeWithoutTitleOpensTheModalWithTheTrigger()
    {
        var ack = await CommandAsync("propose");
        Assert.Null(ack);
        var open = Assert.Single(Slack.CallsTo("views.open"));
        Assert.Equal("trigger-1", open.Body["trigger_id"]!.GetValue<string>());
        var view = open.Body["view"]!;
        Assert.Equal("spe_propose", view["callback_id"]!.GetValue<string>());
        var blockIds = view["blocks"]!.AsArray().Select(b => b!["block_id"]?.GetValue<string>()).ToList();
        Assert.Contains("title", blockIds);
        Assert.Contains("category", blockIds);
        Assert.Contains("impact", blockIds);
        Assert.Contains("effort", blockIds);
        Assert.Contains("detail", blockIds);
        Assert.Contains("team", blockIds);
    }

    [Fact]
    public async Task ModalSubmissionWithErrorsAnswersErrorsOnTheFields()
    {
        var response = await SendAsync(SignedSlackRequest.Interaction(Submission(title: "", impact: "9", detail: new string('x', 3001))));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("errors", json["response_action"]!.GetValue<string>());
        var errors = json["errors"]!.AsObject();
        Assert.True(errors.ContainsKey("title"));
        Assert.True(errors.ContainsKey("impact"));
        Assert.True(errors.ContainsKey("detail"));
        Assert.Equal(0, Query<long>("SELECT COUNT(*) FROM items").Single());
    }

    [Fact]
    public async Task ModalSubmissionStoresTheItemAndPostsItsCard()
    {
        var response = await SendAsync(SignedSlackRequest.Interaction(Submission(title: "TLS 1.0 を無効化する", impact: "4", effort: "2",
            category: "security", team: "SRE", detail: "古い暗号スイートを削除")));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync());
        var item = Query<(string Title, string Category, long Impact, long Effort, string Team)>(
            "SELECT title AS Title, category AS Category, impact AS Impact, effort AS Effort, team AS Team FROM items").Single();
        Assert.Equal(("TLS 1.0 を無効化する", "security", 4L, 2L, "SRE"), item);
        await SpeBotFactory.WaitUntilAsync(() => Slack.CallsTo("chat.postMessage").Count == 1, what: "card");
        Assert.Contains("TLS 1.0 を無効化する", Slack.CallsTo("chat.postMessage")[0].Text);
        await SpeBotFactory.WaitUntilAsync(() => Slack.CallsTo("chat.postEphemeral").Count == 1, what: "confirmation");
    }

    [Fact]
    public async Task MessageShortcutPrefillsTheModalAndTheCardLinksBack()
    {
        await SendAsync(SignedSlackRequest.Interaction(new
        {
            type = "message_action", callback_id = "spe_capture_message", trigger_id = "trig-9", response_url = Slack.ResponseUrl(),
            team = new { id = "T1" }, user = new { id = "U222", team_id = "T1" }, channel = new { id = "C100" },
            message = new { ts = "1700000001.000100", user = "U999", text = "Build takes 40 min &amp; flaky <!here>\nSee <https://ci.example/x|the job>" },
        }));
        var view = Assert.Single(Slack.CallsTo("views.open")).Body["view"]!;
        var meta = JsonNode.Parse(view["private_metadata"]!.GetValue<string>())!;
        Assert.Equal("1700000001.000100", meta["source_ts"]!.GetValue<string>());
        var inputs = view["blocks"]!.AsArray().Where(b => b!["type"]!.GetValue<string>() == "input")
            .ToDictionary(b => b!["block_id"]!.GetValue<string>(), b => b!["element"]!["initial_value"]?.GetValue<string>());
        Assert.Equal("Build takes 40 min & flaky @here", inputs["title"]);
        Assert.Equal("See the job (https://ci.example/x)", inputs["detail"]);

        await SendAsync(SignedSlackRequest.Interaction(Submission("Build takes 40 min & flaky @here", metadata: view["private_metadata"]!.GetValue<string>(), user: "U222")));
        await SpeBotFactory.WaitUntilAsync(() => Slack.CallsTo("chat.postMessage").Count == 1, what: "card");
        var item = Query<(string SourceMessageId, string SourceAuthorId, string AuthorId, string SourcePermalink)>(
            "SELECT source_message_id AS SourceMessageId, source_author_id AS SourceAuthorId, author_id AS AuthorId, source_permalink AS SourcePermalink FROM items").Single();
        Assert.Equal(("1700000001.000100", "U999", "U222"), (item.SourceMessageId, item.SourceAuthorId, item.AuthorId));
        Assert.StartsWith("https://example.slack.com/archives/C100/", item.SourcePermalink);
        var card = Slack.CallsTo("chat.postMessage")[0].Text;
        Assert.Contains("https://example.slack.com/archives/C100/", card);
        Assert.Contains("<@U999>", card);
        Assert.DoesNotContain("<!here>", card);
    }

    [Fact]
    public async Task EmojiCaptureMakesOneItemHoweverManyReactAndRetry()
    {
        Slack.AddMessage("C200", "1700000002.000200", "Rotate the staging certs before they expire\nThey expire on 12/1", "U999");
        var requests = new List<HttpRequestMessage>();
        for (var i = 0; i < 3; i++)
        {
            requests.Add(SignedSlackRequest.Reaction($"EvCap{i}", $"U30{i}", "bulb", "C200", "1700000002.000200", eventTs: $"1700000100.00000{i}"));
            requests.Add(SignedSlackRequest.Reaction($"EvCap{i}", $"U30{i}", "bulb", "C200", "1700000002.000200", eventTs: $"1700000100.00000{i}"));
        }
        var responses = await Task.WhenAll(requests.Select(SendAsync));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));

        await SpeBotFactory.WaitUntilAsync(() => Slack.CallsTo("reactions.add").Count >= 1 && Slack.CallsTo("chat.postMessage").Count >= 1, what: "capture");
        await Task.Delay(500);
        Assert.Single(Slack.CallsTo("conversations.replies"));
        Assert.Single(Slack.CallsTo("chat.postMessage"));
        var mark = Assert.Single(Slack.CallsTo("reactions.add"));
        Assert.Equal("white_check_mark", mark.Body["name"]!.GetValue<string>());
        Assert.Equal("1700000002.000200", mark.Body["timestamp"]!.GetValue<string>());
        var item = Query<(string Title, string Detail, string AuthorId)>("SELECT title AS Title, detail AS Detail, author_id AS AuthorId FROM items").Single();
        Assert.Equal("Rotate the staging certs before they expire", item.Title);
        Assert.Equal("They expire on 12/1", item.Detail);
        Assert.Contains(item.AuthorId, new[] { "U300", "U301", "U302" });
    }

    [Fact]
    public async Task GlobalShortcutAsksWhichChannelGetsTheCard()
    {
        await SendAsync(SignedSlackRequest.Interaction(new
        {
            type = "shortcut", callback_id = "spe_propose_global", trigger_id = "trig-g",
            team = new { id = "T1" }, user = new { id = "U222", team_id = "T1" },
        }));
        var view = Assert.Single(Slack.CallsTo("views.open")).Body["view"]!;
        Assert.Contains(view["blocks"]!.AsArray(), b => b!["block_id"]?.GetValue<string>() == "channel");
    }

    internal static object Submission(string title, string? impact = null, string? effort = null, string category = "other",
        string? team = null, string? detail = null, string? metadata = null, string user = "U111")
    {
        object Text(string? v) => new { type = "plain_text_input", value = v };
        object Select(string? v) => new { type = "static_select", selected_option = v is null ? null : new { value = v } };
        return new
        {
            type = "view_submission", team = new { id = "T1" }, user = new { id = user, team_id = "T1" },
            view = new
            {
                id = "V1", callback_id = "spe_propose",
                private_metadata = metadata ?? JsonSerializer.Serialize(new { channel = "C100", locale = "en" }),
                state = new
                {
                    values = new Dictionary<string, object>
                    {
                        ["title"] = new { value = Text(title) }, ["category"] = new { value = Select(category) },
                        ["impact"] = new { value = Select(impact) }, ["effort"] = new { value = Select(effort) },
                        ["detail"] = new { value = Text(detail) }, ["team"] = new { value = Text(team) },
                    },
                },
            },
        };
    }
}

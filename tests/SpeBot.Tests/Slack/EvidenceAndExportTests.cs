using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Slack;

public sealed class EvidenceAndExportTests : SlackHost
{
    [Fact]
    public async Task DoneWithoutEvidenceOpensTheBeforeAfterModalAndItsSubmissionFinishesTheItem()
    {
        var (id, ts) = await ProposeAsync("Tune the search index");
        await CommandAsync("claim SPE-1", user: "U222");
        Assert.Null(await CommandAsync("done SPE-1", user: "U222"));
        var view = Assert.Single(Slack.CallsTo("views.open")).Body["view"]!;
        Assert.Equal("spe_done", view["callback_id"]!.GetValue<string>());
        Assert.Equal("in_progress", Query<string>("SELECT status FROM items WHERE id = @id", new { id }).Single());

        var empty = await SendAsync(SignedSlackRequest.Interaction(Submission(view, null, null, null, null)));
        Assert.Equal("errors", JsonNode.Parse(await empty.Content.ReadAsStringAsync())!["response_action"]!.GetValue<string>());

        var ok = await SendAsync(SignedSlackRequest.Interaction(Submission(view, "p99 latency", "180 ms", "95 ms", "<!here> big win")));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var row = Query<(string Status, string Evidence)>("SELECT status AS Status, evidence AS Evidence FROM items WHERE id = @id", new { id }).Single();
        Assert.Equal(("done", "p99 latency: 180 ms → 95 ms — <!here> big win"), row);
        await SpeBotFactory.WaitUntilAsync(() => Slack.CallsTo("chat.update").Any(c => c.Text.Contains("180 ms → 95 ms")), what: "card with evidence");
        var card = Slack.CallsTo("chat.update").Last(c => c.Text.Contains("180 ms"));
        Assert.DoesNotContain("<!here>", card.Text);
    }

    [Fact]
    public async Task OverflowMarkDoneOpensTheModalWithTheClicksTrigger()
    {
        var (id, ts) = await ProposeAsync("Remove dead feature flags");
        await SendAsync(SignedSlackRequest.Interaction(new
        {
            type = "block_actions", team = new { id = "T1" }, user = new { id = "U111", team_id = "T1" }, trigger_id = "trig-more",
            response_url = "https://hooks.slack.com/actions/T1/1/x", channel = new { id = "C100" },
            container = new { type = "message", channel_id = "C100", message_ts = ts },
            actions = new[] { new { action_id = "spe_more", type = "overflow", selected_option = new { value = $"done:{id}" } } },
        }));
        var open = Assert.Single(Slack.CallsTo("views.open"));
        Assert.Equal("trig-more", open.Body["trigger_id"]!.GetValue<string>());
        Assert.Equal("spe_done", open.Body["view"]!["callback_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task ExportSharesACsvFileInTheChannel()
    {
        // Slack sends typed angle brackets entity-encoded; the item stores the text as typed.
        await CommandAsync("propose 監視の改善 &lt;b&gt;bold&lt;/b&gt;");
        Assert.Contains("Preparing the CSV export", TextOf(await CommandAsync("export csv")));
        await SpeBotFactory.WaitUntilAsync(() => Slack.CallsTo("files.completeUploadExternal").Count == 1, what: "upload completed");
        var complete = Slack.CallsTo("files.completeUploadExternal")[0];
        Assert.Equal("C100", complete.Body["channel_id"]!.GetValue<string>());
        var fileId = complete.Body["files"]![0]!["id"]!.GetValue<string>();
        var csv = Encoding.UTF8.GetString(Slack.Uploads[fileId]);
        Assert.Contains("SPE-1,監視の改善 <b>bold</b>", csv);
        Assert.Contains("export csv|json", TextOf(await CommandAsync("export pdf")));
    }

    [Fact]
    public async Task PledgeLogAndCapacityReportThisWeek()
    {
        Assert.Contains("sre pledges 8 h per week", TextOf(await CommandAsync("pledge sre 8 per week")));
        await CommandAsync("propose Automate cert renewal team:sre");
        await CommandAsync("claim SPE-1");
        Assert.Contains("Logged 2.5 h on SPE-1", TextOf(await CommandAsync("log SPE-1 2.5")));
        var report = TextOf(await CommandAsync("capacity sre"));
        Assert.Contains("This week", report);
        Assert.Contains("sre: delivered 2.5 h of 8 h pledged (31%)", report);
        Assert.Contains("log SPE-n", TextOf(await CommandAsync("log SPE-1 lots")));
    }

    private static object Submission(JsonNode view, string? metric, string? before, string? after, string? note)
    {
        object T(string? v) => new { value = new { type = "plain_text_input", value = v } };
        return new
        {
            type = "view_submission", team = new { id = "T1" }, user = new { id = "U222", team_id = "T1" },
            view = new
            {
                id = "V9", callback_id = "spe_done", private_metadata = view["private_metadata"]!.GetValue<string>(),
                state = new { values = new Dictionary<string, object> { ["metric"] = T(metric), ["before"] = T(before), ["after"] = T(after), ["note"] = T(note) } },
            },
        };
    }
}

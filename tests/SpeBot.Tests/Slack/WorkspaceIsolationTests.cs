using System.Globalization;
using System.Text.Json.Nodes;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Slack;

/// <summary>
/// A signed request from workspace T0002 that names T0001's objects (card ts, item id, poll, handoff, note, captured
/// message) touches nothing of T0001's, whichever inbound path it takes (issue 19, point 1).
/// </summary>
public sealed class WorkspaceIsolationTests : SlackHost
{
    private const string Other = "T0002";

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    private object Click(string actionId, string value, string ts = "1.1", string? selected = null, string user = "U900") => new
    {
        type = "block_actions", team = new { id = Other }, user = new { id = user, team_id = Other }, trigger_id = "trig-x",
        response_url = Slack.ResponseUrl(), channel = new { id = "C100" },
        container = new { type = "message", channel_id = "C100", message_ts = ts },
        actions = new object[]
        {
            selected is null
                ? new { action_id = actionId, value, type = "button" }
                : new { action_id = actionId, type = "overflow", selected_option = new { value = selected } },
        },
    };

    [Fact]
    public async Task ReactionFromAnotherWorkspaceOnACardStoresNothing()
    {
        var (itemId, ts) = await ProposeAsync("Rotate the B2 filters");

        foreach (var (eventId, reaction) in new[] { ("EvX1", "+1"), ("EvX2", "eyes"), ("EvX3", "bulb") })
        {
            var response = await SendAsync(SignedSlackRequest.Reaction(eventId, "U900", reaction, "C100", ts, team: Other));
            response.EnsureSuccessStatusCode();
        }

        Assert.Equal(0, Query<long>("SELECT COUNT(*) FROM votes WHERE item_id = @itemId", new { itemId }).Single());
        Assert.Equal(0, Query<long>("SELECT COUNT(*) FROM reaction_states").Single());
        Assert.Null(Query<string?>("SELECT claimed_by FROM items WHERE id = @itemId", new { itemId }).Single());
        Assert.Equal(0, Query<long>("SELECT COUNT(*) FROM outbox WHERE kind = 'capture'").Single());
        // The same reaction from the card's own workspace is a vote: the test can fail.
        await SendAsync(SignedSlackRequest.Reaction("EvX4", "U900", "+1", "C100", ts));
        Assert.Equal(1, Query<long>("SELECT COUNT(*) FROM votes WHERE item_id = @itemId", new { itemId }).Single());
    }

    [Fact]
    public async Task CardButtonsAndMenusFromAnotherWorkspaceChangeNothing()
    {
        var (itemId, ts) = await ProposeAsync("Drop the legacy metrics agent");

        await SendAsync(SignedSlackRequest.Interaction(Click("spe_vote", Id(itemId), ts)));
        await SendAsync(SignedSlackRequest.Interaction(Click("spe_claim", Id(itemId), ts)));
        await SendAsync(SignedSlackRequest.Interaction(Click("spe_more", "", ts, selected: $"accept:{Id(itemId)}")));
        await SendAsync(SignedSlackRequest.Interaction(Click("spe_more", "", ts, selected: $"done:{Id(itemId)}")));
        await SendAsync(SignedSlackRequest.Interaction(Click("spe_nudge", $"done:{Id(itemId)}", ts)));

        Assert.Equal(0, Query<long>("SELECT COUNT(*) FROM votes").Single());
        var state = Query<(string Status, string? ClaimedBy)>("SELECT status AS Status, claimed_by AS ClaimedBy FROM items WHERE id = @itemId", new { itemId }).Single();
        Assert.Equal(("proposed", null), state);
        Assert.Empty(Slack.CallsTo("views.open"));
        Assert.Equal(0, Query<long>("SELECT COUNT(*) FROM item_events WHERE actor_id = 'U900'").Single());
    }

    [Fact]
    public async Task EvidenceFormFromAnotherWorkspaceDoesNotFinishThisWorkspacesItem()
    {
        var (itemId, _) = await ProposeAsync("Cut CI minutes");
        object T(string v) => new { value = new { type = "plain_text_input", value = v } };
        var submission = new
        {
            type = "view_submission", team = new { id = Other }, user = new { id = "U900", team_id = Other },
            view = new
            {
                id = "V9", callback_id = "spe_done", private_metadata = """{"number":1,"channel":"C100","locale":"en"}""",
                state = new { values = new Dictionary<string, object> { ["metric"] = T("p95"), ["before"] = T("40"), ["after"] = T("8"), ["note"] = T("x") } },
            },
        };

        (await SendAsync(SignedSlackRequest.Interaction(submission))).EnsureSuccessStatusCode();

        Assert.Equal("proposed", Query<string>("SELECT status FROM items WHERE id = @itemId", new { itemId }).Single());
        Assert.Null(Query<string?>("SELECT evidence FROM items WHERE id = @itemId", new { itemId }).Single());
    }

    [Fact]
    public async Task MessageShortcutInAnotherWorkspaceDoesNotRevealAnItemCapturedHere()
    {
        var capture = (string team) => new
        {
            type = "message_action", callback_id = "spe_capture_message", trigger_id = "trig-9", response_url = Slack.ResponseUrl(),
            team = new { id = team }, user = new { id = "U222", team_id = team }, channel = new { id = "C100" },
            message = new { ts = "1700000001.000100", user = "U999", text = "Secret migration plan" },
        };
        await SendAsync(SignedSlackRequest.Interaction(capture("T1")));
        var view = Assert.Single(Slack.CallsTo("views.open")).Body["view"]!;
        var title = new { value = new { type = "plain_text_input", value = "Secret migration plan" } };
        await SendAsync(SignedSlackRequest.Interaction(new
        {
            type = "view_submission", team = new { id = "T1" }, user = new { id = "U222", team_id = "T1" },
            view = new { id = "V1", callback_id = view["callback_id"]!.GetValue<string>(), private_metadata = view["private_metadata"]!.GetValue<string>(),
                         state = new { values = new Dictionary<string, object> { ["title"] = title } } },
        }));
        Assert.Equal(1, Query<long>("SELECT COUNT(*) FROM items WHERE source_message_id = '1700000001.000100'").Single());

        await SendAsync(SignedSlackRequest.Interaction(capture(Other)));

        // The other workspace gets its own form, not "already captured as SPE-1 Secret migration plan".
        await SpeBotFactory.WaitUntilAsync(() => Slack.CallsTo("views.open").Count == 2, what: "second form");
        Assert.DoesNotContain(Slack.CallsTo("response_url"), c => c.Text.Contains("SPE-1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RetroVoteHandoffAckAndToilButtonFromAnotherWorkspaceChangeNothing()
    {
        await ProposeAsync("Cut CI time");
        await CommandAsync("done SPE-1 p95 build 14 → 8 min");
        await CommandAsync("retro 2h");
        await CommandAsync("note Restarted the runner again #toil");
        await CommandAsync("handoff <@U222>");
        var poll = Query<long>("SELECT id FROM polls").Single();
        var handoff = Query<long>("SELECT id FROM handoffs").Single();
        var note = Query<long>("SELECT id FROM shift_notes").Single();
        var item = Query<long>("SELECT id FROM items").Single();

        await SendAsync(SignedSlackRequest.Interaction(Click("retro_vote", $"{poll}:done:{Id(item)}")));
        // U222 is the incoming person by id, but in another workspace.
        await SendAsync(SignedSlackRequest.Interaction(Click("spe_handoff_ack", Id(handoff), user: "U222")));
        await SendAsync(SignedSlackRequest.Interaction(Click("spe_handoff_propose", Id(note))));

        Assert.Equal(0, Query<long>("SELECT COUNT(*) FROM poll_votes").Single());
        Assert.Null(Query<string?>("SELECT acked_at FROM handoffs").Single());
        Assert.Empty(Slack.CallsTo("views.open"));
    }
}

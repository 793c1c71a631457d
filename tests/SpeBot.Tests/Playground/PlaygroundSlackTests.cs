using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using SpeBot.Host.Playground;

namespace SpeBot.Tests.Playground;

/// <summary>The playground's in-process Slack Web API: as strict as the strict double (same BlockKitRules), plus trigger and token rules.</summary>
public sealed class PlaygroundSlackTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly PlaygroundSlack _slack;
    private readonly HttpClient _api;

    public PlaygroundSlackTests()
    {
        _slack = new PlaygroundSlack(_clock);
        _api = new HttpClient(_slack.Handler()) { BaseAddress = new Uri(PlaygroundSlack.ApiBase) };
        _api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", PlaygroundSlack.BotToken);
    }

    private async Task<JsonNode> CallAsync(string method, JsonObject body, HttpClient? client = null)
    {
        var r = await (client ?? _api).PostAsync(method, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        return JsonNode.Parse(await r.Content.ReadAsStringAsync())!;
    }

    [Fact]
    public async Task A_message_slack_would_refuse_is_refused_with_slacks_error_and_not_shown()
    {
        var header = new JsonObject { ["type"] = "header", ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = new string('x', 151) } };
        var r = await CallAsync("chat.postMessage", new JsonObject { ["channel"] = PlaygroundSlack.Channel, ["text"] = "t", ["blocks"] = new JsonArray(header) });
        Assert.False(r["ok"]!.GetValue<bool>());
        Assert.Equal("invalid_blocks", r["error"]!.GetValue<string>());
        Assert.Empty(_slack.State("U0AIKO")["channel"]!.AsArray());
    }

    [Fact]
    public async Task A_call_without_the_bot_token_is_not_authed()
    {
        var anonymous = new HttpClient(_slack.Handler()) { BaseAddress = new Uri(PlaygroundSlack.ApiBase) };
        var r = await CallAsync("chat.postMessage", new JsonObject { ["channel"] = PlaygroundSlack.Channel, ["text"] = "hi" }, anonymous);
        Assert.Equal("not_authed", r["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_trigger_opens_one_modal_within_three_seconds_and_never_again()
    {
        var view = new JsonObject { ["type"] = "modal", ["title"] = new JsonObject { ["type"] = "plain_text", ["text"] = "Form" }, ["blocks"] = new JsonArray() };
        var trigger = _slack.IssueTrigger("U0BEN", PlaygroundSlack.Channel);
        Assert.True((await CallAsync("views.open", new JsonObject { ["trigger_id"] = trigger, ["view"] = view.DeepClone() }))["ok"]!.GetValue<bool>());
        Assert.Equal("invalid_trigger_id", (await CallAsync("views.open", new JsonObject { ["trigger_id"] = trigger, ["view"] = view.DeepClone() }))["error"]!.GetValue<string>());
        Assert.NotNull(_slack.OpenView("U0BEN"));

        var late = _slack.IssueTrigger("U0BEN", PlaygroundSlack.Channel);
        _clock.Advance(TimeSpan.FromSeconds(3.5));
        Assert.Equal("expired_trigger_id", (await CallAsync("views.open", new JsonObject { ["trigger_id"] = late, ["view"] = view.DeepClone() }))["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_ephemeral_answer_is_seen_only_by_its_person_and_a_dm_only_by_its_recipient()
    {
        await CallAsync("chat.postEphemeral", new JsonObject { ["channel"] = PlaygroundSlack.Channel, ["user"] = "U0BEN", ["text"] = "just for Ben" });
        var dm = await CallAsync("chat.postMessage", new JsonObject { ["channel"] = "U0CHIE", ["text"] = "nudge for Chie" });
        Assert.Equal(PlaygroundSlack.DmOf("U0CHIE"), dm["channel"]!.GetValue<string>());

        Assert.Single(_slack.State("U0BEN")["channel"]!.AsArray());
        Assert.Empty(_slack.State("U0AIKO")["channel"]!.AsArray());
        Assert.Single(_slack.State("U0CHIE")["dms"]!.AsArray());
        Assert.Empty(_slack.State("U0BEN")["dms"]!.AsArray());
    }

    [Fact]
    public async Task Chat_update_changes_the_card_in_place_and_reactions_count_each_person_once()
    {
        var posted = await CallAsync("chat.postMessage", new JsonObject { ["channel"] = PlaygroundSlack.Channel, ["text"] = "0 votes" });
        var ts = posted["ts"]!.GetValue<string>();
        Assert.True(_slack.React(PlaygroundSlack.Channel, ts, "U0AIKO", "+1", add: true));
        Assert.False(_slack.React(PlaygroundSlack.Channel, ts, "U0AIKO", "+1", add: true));
        await CallAsync("chat.update", new JsonObject { ["channel"] = PlaygroundSlack.Channel, ["ts"] = ts, ["text"] = "1 votes" });
        var card = Assert.Single(_slack.State("U0AIKO")["channel"]!.AsArray())!;
        Assert.Equal("1 votes", card["text"]!.GetValue<string>());
        Assert.Equal(1, card["reactions"]![0]!["count"]!.GetValue<int>());
        Assert.Equal("message_not_found", (await CallAsync("chat.update", new JsonObject { ["channel"] = PlaygroundSlack.Channel, ["ts"] = "1.2", ["text"] = "x" }))["error"]!.GetValue<string>());
    }
}

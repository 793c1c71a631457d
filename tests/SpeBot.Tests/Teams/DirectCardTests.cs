using System.Globalization;
using System.Text.Json.Nodes;
using SpeBot.Core;
using SpeBot.Core.Outbox;
using SpeBot.Core.Storage;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Teams;

/// <summary>Cards SpeBot sends to one person in a 1:1 chat (the handoff Ack, the stale-claim nudge) and their Action.Execute buttons.</summary>
public sealed class DirectCardTests : TeamsHost
{

    /// <summary>Always working hours, so a nudge is never deferred by the clock the tests run at.</summary>
    protected override Dictionary<string, string?> Settings => new()
    {
        ["Schedules:WorkdayStartHour"] = "0", ["Schedules:WorkdayEndHour"] = "24",
        ["Schedules:WorkDays:0"] = "Monday", ["Schedules:WorkDays:1"] = "Tuesday", ["Schedules:WorkDays:2"] = "Wednesday",
        ["Schedules:WorkDays:3"] = "Thursday", ["Schedules:WorkDays:4"] = "Friday", ["Schedules:WorkDays:5"] = "Saturday", ["Schedules:WorkDays:6"] = "Sunday",
    };

    private JsonObject Action(string chat, string verb, JsonObject data, string id, string userAad)
    {
        var a = ActivityBuilder.Base("invoke", Bot.ServiceUrl, chat, id, userAad, conversationType: "personal");
        a["name"] = "adaptiveCard/action";
        a["value"] = new JsonObject
        {
            ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = verb, ["data"] = data }, ["trigger"] = "manual",
        };
        return a;
    }

    private static string Texts(JsonNode card) => string.Join("\n", card["body"]!.AsArray().Select(b => b!["text"]!.GetValue<string>()));

    [Fact]
    public async Task HandoffDmIsA1To1CardWithAnAckButtonThatAcknowledgesOnceForTheIncomingPerson()
    {
        await CommandAsync("oncall <at>Ken</at>", "1700000000001", mentionKen: true);
        await CommandAsync("handoff <at>Ken</at>", "1700000000002", mentionKen: true);
        await SpeBotFactory.WaitUntilAsync(() => Bot.Calls.Any(c => c.Method == "POST" && c.Path.StartsWith("/v3/conversations/a:new", StringComparison.Ordinal)
                                                                      && c.Text.Contains("Please acknowledge", StringComparison.Ordinal)), what: "handoff DM");

        var create = Assert.Single(Bot.Calls, c => c.Path == "/v3/conversations" && c.Body["members"] is not null);
        Assert.Equal(KenAad, create.Body["members"]![0]!["id"]!.GetValue<string>());
        var dm = Bot.Calls.Single(c => c.Method == "POST" && c.Path.StartsWith("/v3/conversations/a:new", StringComparison.Ordinal));
        var card = dm.Body["attachments"]![0]!["content"]!;
        Assert.Equal("1.5", card["version"]!.GetValue<string>());
        Assert.Contains("You are on call now", Texts(card));
        var ack = card["actions"]![0]!;
        Assert.Equal(("Action.Execute", "spe.handoff_ack", "Ack"), (ack["type"]!.GetValue<string>(), ack["verb"]!.GetValue<string>(), ack["title"]!.GetValue<string>()));
        var handoff = Query<long>("SELECT id FROM handoffs").Single();
        Assert.Equal(handoff.ToString(System.Globalization.CultureInfo.InvariantCulture), ack["data"]!["handoff"]!.GetValue<string>());
        var chat = dm.Path["/v3/conversations/".Length..^"/activities".Length];

        // Someone else's click is refused; Ken's acknowledges, and a retry finds it acknowledged.
        var other = await InvokeAsync(Action(chat, "spe.handoff_ack", ack["data"]!.DeepClone().AsObject(), "f:ack-0", ActivityBuilder.UserAad));
        Assert.Contains("Only the incoming person", other["value"]!.GetValue<string>());
        Assert.Null(Query<string?>("SELECT acked_at FROM handoffs").Single());

        var first = await InvokeAsync(Action(chat, "spe.handoff_ack", ack["data"]!.DeepClone().AsObject(), "f:ack-1", KenAad));
        var retry = await InvokeAsync(Action(chat, "spe.handoff_ack", ack["data"]!.DeepClone().AsObject(), "f:ack-1", KenAad));
        Assert.Equal("application/vnd.microsoft.card.adaptive", first["type"]!.GetValue<string>());
        Assert.Contains("Acknowledged. Have a quiet shift!", Texts(first["value"]!));
        Assert.Null(first["value"]!["actions"]);
        Assert.Contains("already acknowledged", Texts(retry["value"]!));
        Assert.NotNull(Query<string?>("SELECT acked_at FROM handoffs").Single());
    }

    [Fact]
    public async Task NudgeIsA1To1CardWhoseStillOnItAndReleaseButtonsRunTheNudgeCommandsOnce()
    {
        var (itemId, _) = await ProposeAsync("Fix &lt;b&gt;flaky&lt;/b&gt; test");
        await CommandAsync("claim SPE-1", "1700000000002");
        var workspaceId = Query<long>("SELECT id FROM workspaces WHERE platform = 'teams'").Single();
        await Factory.Get<Database>().WriteAsync(async (c, tx) =>
        {
            await Factory.Get<OutboxStore>().EnqueueAsync(c, tx, new OutboundMessage(Platform.Teams, workspaceId, ActivityBuilder.UserAad, OutboxKinds.Nudge,
                new OutboundBody { UserId = ActivityBuilder.UserAad, Key = "w1", Args = new() { ["items"] = itemId.ToString(CultureInfo.InvariantCulture) } },
                $"nudge:w1:{ActivityBuilder.UserAad}"), CancellationToken.None);
            return 0;
        });
        Factory.Get<OutboxSignal>().Notify();
        await SpeBotFactory.WaitUntilAsync(() => Bot.Calls.Any(c => c.Method == "POST" && c.Path.StartsWith("/v3/conversations/a:new", StringComparison.Ordinal)), what: "nudge DM");

        var dm = Bot.Calls.Single(c => c.Method == "POST" && c.Path.StartsWith("/v3/conversations/a:new", StringComparison.Ordinal));
        var card = dm.Body["attachments"]![0]!["content"]!;
        Assert.Equal("1.5", card["version"]!.GetValue<string>());
        var text = string.Join("\n", card["body"]!.AsArray().Where(b => b!["type"]!.GetValue<string>() == "TextBlock").Select(b => b!["text"]!.GetValue<string>()));
        Assert.Contains("You have 1 claimed item with no update", text);
        Assert.Contains("**SPE-1** Fix &lt;b&gt;flaky&lt;/b&gt; test", text);
        Assert.DoesNotContain("<b>", dm.Text);
        var buttons = card["body"]!.AsArray().Where(b => b!["type"]!.GetValue<string>() == "ActionSet").SelectMany(b => b!["actions"]!.AsArray()).ToList();
        Assert.Equal(["update", "release", "done"], buttons.Select(b => b!["data"]!["op"]!.GetValue<string>()));
        Assert.All(buttons, b => Assert.Equal(("Action.Execute", "spe.nudge"), (b!["type"]!.GetValue<string>(), b["verb"]!.GetValue<string>())));
        Assert.Equal("Still on it", buttons[0]!["title"]!.GetValue<string>());
        var chat = dm.Path["/v3/conversations/".Length..^"/activities".Length];

        long Events() => Query<long>("SELECT COUNT(*) FROM item_events WHERE item_id = @itemId", new { itemId }).Single();
        var before = Events();
        var still = Action(chat, "spe.nudge", buttons[0]!["data"]!.DeepClone().AsObject(), "f:nudge-1", ActivityBuilder.UserAad);
        var first = await InvokeAsync(still);
        var afterFirst = Events();
        var retry = await InvokeAsync(still);
        // The answer redraws the card: the handled claim has no buttons left and the outcome heads the list.
        Assert.Equal("application/vnd.microsoft.card.adaptive", first["type"]!.GetValue<string>());
        var redrawn = first["value"]!.AsObject();
        Assert.DoesNotContain(redrawn["body"]!.AsArray(), b => b!["type"]!.GetValue<string>() == "ActionSet");
        var redrawnText = string.Join("\n", redrawn["body"]!.AsArray().Select(b => b!["text"]?.GetValue<string>()));
        Assert.Contains("✓ **SPE-1** Fix &lt;b&gt;flaky&lt;/b&gt; test", redrawnText);
        Assert.Contains("SPE-1", redrawn["body"]![1]!["text"]!.GetValue<string>());
        Assert.True(afterFirst > before);
        Assert.Equal(afterFirst, Events());
        Assert.Contains("already handled", retry["value"]!.GetValue<string>());
        Assert.Contains("Still on it (from the weekly nudge)", string.Join("\n", Query<string?>("SELECT detail FROM item_events WHERE item_id = @itemId", new { itemId })));
        Assert.Equal(ActivityBuilder.UserAad, Query<string>("SELECT claimed_by FROM items WHERE id = @itemId", new { itemId }).Single());

        await InvokeAsync(Action(chat, "spe.nudge", buttons[1]!["data"]!.DeepClone().AsObject(), "f:nudge-2", ActivityBuilder.UserAad));
        Assert.Null(Query<string?>("SELECT claimed_by FROM items WHERE id = @itemId", new { itemId }).Single());
    }

    [Fact]
    public async Task AfterOneNudgeButtonTheOtherClaimsKeepTheirButtons()
    {
        await ProposeAsync("Rotate the TLS keys", "1700000000011");
        await ProposeAsync("Trim the dashboards", "1700000000012");
        var first = Query<long>("SELECT id FROM items WHERE number = 1").Single();
        var second = Query<long>("SELECT id FROM items WHERE number = 2").Single();
        await CommandAsync("claim SPE-1", "1700000000013");
        await CommandAsync("claim SPE-2", "1700000000014");
        var workspaceId = Query<long>("SELECT id FROM workspaces WHERE platform = 'teams'").Single();
        var ids = string.Join(',', first, second);
        await Factory.Get<Database>().WriteAsync(async (c, tx) =>
        {
            await Factory.Get<OutboxStore>().EnqueueAsync(c, tx, new OutboundMessage(Platform.Teams, workspaceId, ActivityBuilder.UserAad, OutboxKinds.Nudge,
                new OutboundBody { UserId = ActivityBuilder.UserAad, Key = "w2", Args = new() { ["items"] = ids } }, $"nudge:w2:{ActivityBuilder.UserAad}"),
                CancellationToken.None);
            return 0;
        });
        Factory.Get<OutboxSignal>().Notify();
        await SpeBotFactory.WaitUntilAsync(() => Bot.Calls.Any(c => c.Method == "POST" && c.Path.StartsWith("/v3/conversations/a:new", StringComparison.Ordinal)), what: "nudge DM");
        var dm = Bot.Calls.Single(c => c.Method == "POST" && c.Path.StartsWith("/v3/conversations/a:new", StringComparison.Ordinal));
        var chat = dm.Path["/v3/conversations/".Length..^"/activities".Length];
        static List<JsonNode> Buttons(JsonNode card) =>
            [.. card["body"]!.AsArray().Where(b => b!["type"]!.GetValue<string>() == "ActionSet").SelectMany(b => b!["actions"]!.AsArray()).Select(b => b!)];
        var done = Buttons(dm.Body["attachments"]![0]!["content"]!).First(b => b["data"]!["op"]!.GetValue<string>() == "done");

        var redrawn = (await InvokeAsync(Action(chat, "spe.nudge", done["data"]!.DeepClone().AsObject(), "f:nudge-10", ActivityBuilder.UserAad)))["value"]!;

        Assert.Equal("done", Query<string>("SELECT status FROM items WHERE id = @first", new { first }).Single());
        var left = Buttons(redrawn);
        Assert.Equal(3, left.Count);
        Assert.All(left, b => Assert.Equal(second.ToString(CultureInfo.InvariantCulture), b["data"]!["itemId"]!.GetValue<string>()));
        Assert.All(left, b => Assert.Equal(first.ToString(CultureInfo.InvariantCulture), b["data"]!["handled"]!.GetValue<string>()));
        Assert.Contains("✓ **SPE-1** Rotate the TLS keys", string.Join("\n", redrawn["body"]!.AsArray().Select(b => b!["text"]?.GetValue<string>())));
    }
}


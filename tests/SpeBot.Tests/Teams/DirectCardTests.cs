using System.Text.Json.Nodes;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Teams;

/// <summary>Cards SpeBot sends to one person in a 1:1 chat (the handoff Ack, the stale-claim nudge) and their Action.Execute buttons.</summary>
public sealed class DirectCardTests : TeamsHost
{
    private const string KenAad = "99999999-8888-7777-6666-555555555555";

    private async Task CommandAsync(string text, string id, bool mentionKen = false)
    {
        var activity = ActivityBuilder.ChannelMention(Bot.ServiceUrl, text, id);
        if (mentionKen)
        {
            activity["entities"]!.AsArray().Add(new JsonObject
            {
                ["type"] = "mention", ["text"] = "<at>Ken</at>",
                ["mentioned"] = new JsonObject { ["id"] = "29:1ken-abcdefghij", ["name"] = "Ken", ["aadObjectId"] = KenAad },
            });
        }
        await SendAsync(activity);
        await SpeBotFactory.WaitUntilAsync(() => Bot.Calls.Any(c => c.Path.EndsWith($"/activities/{id}", StringComparison.Ordinal)), what: $"reply to {text}");
    }

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
}

using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using SpeBot.Core;
using SpeBot.Core.Items;
using SpeBot.Core.Text;
using SpeBot.Host.Slack;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Slack;

/// <summary>User text can never become a broadcast, a mention or a link, whichever builder shows it.</summary>
public sealed class HostileTextTests(SlackHostFixture host) : IClassFixture<SlackHostFixture>
{
    private const string Hostile = "<!channel> & <@U123> <https://evil|x> <!here>";
    private const string Escaped = "&lt;!channel&gt;";

    /// <summary>What a person typing the characters literally sends: Slack entity-encodes &amp;, &lt; and &gt;.</summary>
    private static string Typed(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    private void EverySlackCallIsSafe()
    {
        foreach (var call in host.Slack.Calls) SlackJsonAssert.IsSafe(call.Body, call.Method);
    }

    private static async Task<JsonNode> AckAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var ack = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        SlackJsonAssert.IsSafe(ack, "ack");
        return ack;
    }

    private async Task<SlackCall> CardPostAsync(long itemId)
    {
        await SpeBotFactory.WaitUntilAsync(() => host.Db.Card(itemId) is not null, what: "card post");
        var reference = $"*SPE-{host.Db.Scalar<long>("SELECT number FROM items WHERE id = @itemId", new { itemId })}*";
        return host.Slack.CallsTo("chat.postMessage").Single(p => SlackJsonAssert.Mentions(p.Body["blocks"], reference));
    }

    [Fact]
    public async Task TypedMarkupInACommandIsEscapedInTheAckTheCardAndItsUpdate()
    {
        var ack = await AckAsync(await host.Client.SendAsync(SignedSlackRequest.Command($"propose {Typed(Hostile)} team:{Typed("<!channel>")}")));
        Assert.True(SlackJsonAssert.Mentions(ack, Escaped), ack.ToJsonString());

        var itemId = host.Db.LatestItemId();
        Assert.Equal(Hostile, host.Db.Scalar<string>("SELECT title FROM items WHERE id = @itemId", new { itemId }));
        var post = await CardPostAsync(itemId);
        Assert.True(SlackJsonAssert.Mentions(post.Body["blocks"], Escaped + " &amp; &lt;@U123&gt; &lt;https://evil|x&gt; &lt;!here&gt;"));
        Assert.True(SlackJsonAssert.Mentions(post.Body["blocks"], "Team: " + Escaped));
        Assert.True(SlackJsonAssert.Mentions(post.Body["text"], Escaped));

        var card = host.Db.Card(itemId)!;
        await host.Client.SendAsync(SignedSlackRequest.Reaction("EvHostile1", "U701", "+1", card.Channel, card.Ts, eventTs: "1700000700.000001"));
        await SpeBotFactory.WaitUntilAsync(() => host.Slack.CallsTo("chat.update").Any(u => u.Body["ts"]!.GetValue<string>() == card.Ts), what: "card update");
        var update = host.Slack.CallsTo("chat.update").Last(u => u.Body["ts"]!.GetValue<string>() == card.Ts);
        Assert.True(SlackJsonAssert.Mentions(update.Body["blocks"], Escaped));
        EverySlackCallIsSafe();
    }

    [Fact]
    public async Task SlackMarkupInACommandBecomesPlainWordsThatCannotPing()
    {
        await AckAsync(await host.Client.SendAsync(SignedSlackRequest.Command($"propose {Hostile} team:<!channel>")));
        var post = await CardPostAsync(host.Db.LatestItemId());
        Assert.True(SlackJsonAssert.Mentions(post.Body["blocks"], "@channel &amp; &lt;@U123&gt;"));
        EverySlackCallIsSafe();
    }

    [Fact]
    public async Task HostileFormSubmissionIsEscapedInTheCardAndTheConfirmation()
    {
        static JsonObject Input(string value) => new() { ["value"] = new JsonObject { ["type"] = "plain_text_input", ["value"] = value } };
        var payload = new JsonObject
        {
            ["type"] = "view_submission",
            ["team"] = new JsonObject { ["id"] = "T1" },
            ["user"] = new JsonObject { ["id"] = "U111", ["team_id"] = "T1" },
            ["view"] = new JsonObject
            {
                ["id"] = "V1", ["callback_id"] = SlackForms.CallbackId, ["private_metadata"] = "{\"channel\":\"C100\",\"locale\":\"en\"}",
                ["state"] = new JsonObject
                {
                    ["values"] = new JsonObject
                    {
                        ["title"] = Input(Hostile), ["detail"] = Input("details: " + Hostile), ["team"] = Input("<!here>"),
                        ["category"] = new JsonObject { ["value"] = new JsonObject { ["type"] = "static_select", ["selected_option"] = new JsonObject { ["value"] = "other" } } },
                    },
                },
            },
        };
        var response = await host.Client.SendAsync(SignedSlackRequest.Interaction(payload));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsStringAsync());

        var post = await CardPostAsync(host.Db.LatestItemId());
        Assert.True(SlackJsonAssert.Mentions(post.Body["blocks"], "details: " + Escaped));
        Assert.True(SlackJsonAssert.Mentions(post.Body["blocks"], "Team: &lt;!here&gt;"));
        await SpeBotFactory.WaitUntilAsync(() => host.Slack.CallsTo("chat.postEphemeral").Any(c => SlackJsonAssert.Mentions(c.Body, Escaped)),
            what: "confirmation notice");
        EverySlackCallIsSafe();
    }

    [Fact]
    public async Task MessageShortcutPrefillsTheFormWithoutRawMarkup()
    {
        var payload = new
        {
            type = "message_action", callback_id = SlackInteractions.MessageShortcut, trigger_id = "trig-hostile",
            team = new { id = "T1" }, user = new { id = "U111", team_id = "T1" }, channel = new { id = "C100" },
            response_url = host.Slack.ResponseUrl("hostile"),
            message = new { type = "message", ts = "1700000800.000100", user = "U222", text = "release &amp; <!channel> tonight\n<@U123> please <!here>" },
        };
        var response = await host.Client.SendAsync(SignedSlackRequest.Interaction(payload));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var open = host.Slack.CallsTo("views.open").Single(c => c.Body["trigger_id"]!.GetValue<string>() == "trig-hostile");
        Assert.Contains("release & @channel tonight", SlackJsonAssert.Strings(open.Body["view"]));
        SlackJsonAssert.IsSafe(open.Body, "views.open");
    }

    [Fact]
    public async Task HomeTabPublishedOnAppHomeOpenedEscapesTheUsersProposals()
    {
        await AckAsync(await host.Client.SendAsync(SignedSlackRequest.Command($"propose {Typed(Hostile)}", user: "U880")));
        var response = await host.Client.SendAsync(SignedSlackRequest.Json(new
        {
            type = "event_callback", team_id = "T1", event_id = "EvHome880", event_time = 1_700_000_000,
            @event = new { type = "app_home_opened", user = "U880", channel = "D880", tab = "home", event_ts = "1700000880.000001" },
        }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        await SpeBotFactory.WaitUntilAsync(() => host.Slack.CallsTo("views.publish").Any(c => c.Body["user_id"]!.GetValue<string>() == "U880"),
            what: "home published");
        var publish = host.Slack.CallsTo("views.publish").Single(c => c.Body["user_id"]!.GetValue<string>() == "U880");
        Assert.Equal("home", publish.Body["view"]!["type"]!.GetValue<string>());
        Assert.True(SlackJsonAssert.Mentions(publish.Body["view"], Escaped));
        SlackJsonAssert.IsSafe(publish.Body, "views.publish");
    }

    private static readonly SlackRenderer Renderer = new(new MessageCatalog(), Options.Create(new SpeBotOptions()));

    internal static ItemView HostileItem(string text = Hostile, long number = 7) => new(new Item
    {
        Id = number, Number = number, Title = text, Detail = text, Team = text, AuthorId = "U111", ClaimedBy = "<!channel>", Votes = 3,
    }, 4.5);

    [Fact]
    public void ListRenderingEscapesEveryItemField()
    {
        var (text, blocks) = Renderer.Render(new Reply { Items = [HostileItem(), HostileItem(number: 8)], Locale = "en", NextPage = "list <!here>" });
        SlackJsonAssert.IsSafe(blocks, "list");
        Assert.DoesNotContain("<!channel>", text);
        Assert.Contains(Escaped, text);
        Assert.True(SlackJsonAssert.Mentions(blocks, Escaped));
        Assert.True(SlackJsonAssert.Mentions(blocks, "`/spe list &lt;!here&gt;`"));
    }

    [Fact]
    public void ItemCardEscapesTitleDetailTeamAndAClaimerThatIsNotAUserId()
    {
        var (text, blocks) = Renderer.ItemCard(HostileItem(), "ja");
        SlackJsonAssert.IsSafe(blocks, "card");
        Assert.DoesNotContain("<!", text);
        Assert.Equal(3, SlackJsonAssert.Strings(blocks).Count(s => s.Contains(Escaped + " &amp;", StringComparison.Ordinal)));
    }

    [Fact]
    public void HomeViewEscapesEveryItemField()
    {
        var view = new SlackHome(Renderer).View([HostileItem()], [HostileItem(number: 8)], [HostileItem(number: 9)], "en");
        SlackJsonAssert.IsSafe(view, "home");
        Assert.True(SlackJsonAssert.Mentions(view, Escaped));
    }
}

using System.Text.Json.Nodes;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Slack;

public sealed class FindingTests : SlackHost
{
    private const string Hostile = "<!channel> & <@U123> <https://evil|x>";

    [Fact]
    public async Task ListShowsOpenItemsAndEscapesHostileTitles()
    {
        await CommandAsync("propose Fix flaky login test #productivity");
        await CommandAsync($"propose {Hostile}");
        var ack = await CommandAsync("list");
        var json = ack!.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        Assert.Contains("Fix flaky login test", json);
        // Slack wire markup in command text becomes plain words; what remains is escaped, so nothing pings.
        Assert.Contains("@channel &amp; &lt;@U123&gt; x (https://evil)", json);
        Assert.DoesNotContain("<!channel>", json);
        Assert.DoesNotContain("<@U123>", json);
    }

    [Fact]
    public async Task ListFiltersByCategoryAndPersonAndPaginates()
    {
        for (var i = 1; i <= 12; i++) await CommandAsync($"propose Item {i} #security", user: i % 2 == 0 ? "U222" : "U111");
        await CommandAsync("propose Cost item #cost");
        Assert.Contains("12 items", TextOf(await CommandAsync("list #security")));
        Assert.Contains("6 items", TextOf(await CommandAsync("list #security <@U222|bob>")));
        var first = await CommandAsync("list #security");
        var more = first!["blocks"]!.AsArray().Last()!["elements"]![0]!;
        Assert.Equal("spe_page", more["action_id"]!.GetValue<string>());
        Assert.Equal("list #security page:2", more["value"]!.GetValue<string>());
        Assert.Contains("page 2 of 2", TextOf(await CommandAsync("list #security page:2")));
        Assert.Contains("is not a status", TextOf(await CommandAsync("list bogus")));
    }

    [Fact]
    public async Task SearchFindsJapaneseWithoutSpaces()
    {
        await CommandAsync("propose 監視ダッシュボードの遅延を改善する");
        await CommandAsync("propose Unrelated");
        var text = TextOf(await CommandAsync("search ダッシュボード"));
        Assert.Contains("1 item · page 1 of 1", text);
        Assert.Contains("監視ダッシュボードの遅延を改善する", text);
        Assert.Contains("No items match", TextOf(await CommandAsync("search 存在しない")));
    }

    [Fact]
    public async Task TopOrdersByScoreAndShowGivesHistory()
    {
        var (low, _) = await ProposeAsync("Low impact impact:1");
        var (high, ts) = await ProposeAsync("High impact impact:5");
        await SendAsync(SignedSlackRequest.Reaction("Et1", "U9", "+1", "C100", ts));
        var top = await CommandAsync("top 2");
        var text = TextOf(top);
        Assert.True(text.IndexOf("SPE-2", StringComparison.Ordinal) < text.IndexOf("SPE-1", StringComparison.Ordinal), text);

        var show = TextOf(await CommandAsync("show SPE-2"));
        Assert.Contains("proposed", show);
        Assert.Contains("voted", show);
        Assert.Contains("There is no SPE-99", TextOf(await CommandAsync("show SPE-99")));
        Assert.True(low < high);
    }

    [Fact]
    public async Task MineListsMyProposalsInJapanese()
    {
        await CommandAsync("lang ja", user: "U42");
        await CommandAsync("propose 証明書の自動更新", user: "U42");
        var text = TextOf(await CommandAsync("mine", user: "U42"));
        Assert.Contains("未完了の提案 1 件", text);
        Assert.Contains("証明書の自動更新", text);
    }

    [Fact]
    public async Task AppHomeOpenedPublishesMyItemsAndTheTop()
    {
        await CommandAsync($"propose {Hostile}", user: "U55");
        await SendAsync(SignedSlackRequest.Json(new
        {
            type = "event_callback", team_id = "T1", event_id = "EvHome1", event_time = 1_700_000_000,
            @event = new { type = "app_home_opened", user = "U55", channel = "D1", tab = "home", event_ts = "1700000000.1" },
        }));
        await SpeBotFactory.WaitUntilAsync(() => Slack.CallsTo("views.publish").Count == 1, what: "home publish");
        var call = Slack.CallsTo("views.publish")[0];
        Assert.Equal("U55", call.Body["user_id"]!.GetValue<string>());
        Assert.Equal("home", call.Body["view"]!["type"]!.GetValue<string>());
        Assert.Contains("My open proposals", call.Text);
        Assert.Contains("&amp; &lt;@U123&gt;", call.Text);
        Assert.DoesNotContain("<!channel>", call.Text);
    }
}

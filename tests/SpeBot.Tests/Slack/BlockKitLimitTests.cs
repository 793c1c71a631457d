using System.Text;
using Microsoft.Extensions.Options;
using SpeBot.Core;
using SpeBot.Core.Items;
using SpeBot.Core.Text;
using SpeBot.Host.Slack;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Slack;

/// <summary>Every text fits Slack's Block Kit limits (slack-platform.md §9), however long the user's text.</summary>
public sealed class BlockKitLimitTests(SlackHostFixture host) : IClassFixture<SlackHostFixture>
{
    private static readonly SlackRenderer Renderer = new(new MessageCatalog(), Options.Create(new SpeBotOptions()));

    /// <summary>10,000 characters mixing ASCII, an ampersand (5 characters once escaped) and an emoji (a surrogate pair).</summary>
    private static readonly string Long = string.Concat(Enumerable.Repeat("ab&😀", 2_000));

    private static bool IsWellFormedUtf16(string s)
    {
        try
        {
            new UTF8Encoding(false, throwOnInvalidBytes: true).GetBytes(s);
            return true;
        }
        catch (EncoderFallbackException)
        {
            return false;
        }
    }

    [Fact]
    public void TruncateLeavesShortTextAlone() => Assert.Equal("short", BlockKit.Truncate("short", 5));

    [Fact]
    public void TruncateNeverSplitsASurrogatePairAndEndsWithAnEllipsis()
    {
        var text = string.Concat(Enumerable.Repeat("a😀", 50));
        for (var max = 2; max < text.Length; max++)
        {
            var cut = BlockKit.Truncate(text, max);
            Assert.True(cut.Length <= max, $"max {max}: length {cut.Length}");
            Assert.EndsWith("…", cut);
            Assert.True(IsWellFormedUtf16(cut), $"max {max}: lone surrogate in {cut}");
        }
    }

    [Theory]
    [InlineData("😀😀😀", 2, "…")]
    [InlineData("😀😀😀", 3, "😀…")]
    [InlineData("abc", 1, "…")]
    [InlineData("abc", 0, "")]
    [InlineData("&amp;&amp;", 3, "…")]
    public void TruncateToTinyLimitsNeverThrows(string text, int max, string expected) =>
        Assert.Equal(expected, BlockKit.Truncate(text, max));

    [Fact]
    public void TruncateNeverSplitsAnEntity()
    {
        var text = SlackText.EscapeText(string.Concat(Enumerable.Repeat("a&<>", 20)));
        for (var max = 8; max < text.Length; max++)
        {
            var body = BlockKit.Truncate(text, max).TrimEnd('…');
            var amp = body.LastIndexOf('&');
            Assert.True(amp < 0 || body.IndexOf(';', amp) > amp, $"max {max}: partial entity at the end of {body}");
        }
    }

    [Fact]
    public void CardForTenThousandCharacterFieldsStaysWithinLimits()
    {
        var (text, blocks) = Renderer.ItemCard(HostileTextTests.HostileItem(Long), "en");
        Assert.True(text.Length <= 4000);
        Assert.True(IsWellFormedUtf16(text));
        SlackJsonAssert.WithinLimits(blocks, 50, "card");
        Assert.All(SlackJsonAssert.Strings(blocks), s => Assert.True(IsWellFormedUtf16(s)));
    }

    [Fact]
    public void LongListIsCutToFiftyBlocksAndKeepsTheMoreButton()
    {
        var items = Enumerable.Range(1, 40).Select(n => HostileTextTests.HostileItem(Long, n)).ToList();
        var (text, blocks) = Renderer.Render(new Reply { Items = items, Locale = "en", NextPage = "list page:2" });
        SlackJsonAssert.WithinLimits(blocks, 50, "list");
        Assert.True(text.Length <= 4000);
        Assert.Equal("actions", blocks[^1]!["type"]!.GetValue<string>());
    }

    [Fact]
    public void HomeViewWithLongItemsStaysWithinLimits()
    {
        var views = Enumerable.Range(1, 12).Select(n => HostileTextTests.HostileItem(Long, n)).ToList();
        var home = new SlackHome(Renderer).View(views, views, views, "ja");
        SlackJsonAssert.WithinLimits(home["blocks"]!.AsArray(), 100, "home");
    }

    [Fact]
    public async Task TenThousandCharacterTitleAndDetailStillPostWithinLimits()
    {
        var workspace = host.Factory.Get<SpeBot.Core.Workspaces.WorkspaceStore>();
        var ws = await workspace.EnsureAsync(Platform.Slack, "T1", default);
        var (item, _) = await host.Factory.Get<Proposals>().SubmitAsync(Platform.Slack,
            new NewItem(ws.Id, Long, "slack", "U111", Detail: Long, Team: Long, ChannelId: "C300"), "C300", default);

        await SpeBotFactory.WaitUntilAsync(() => host.Db.Card(item.Id, "C300") is not null, what: "long card");
        var post = host.Slack.CallsTo("chat.postMessage").Single(p => p.Body["channel"]!.GetValue<string>() == "C300");
        Assert.True(post.Body["text"]!.GetValue<string>().Length <= 4000);
        SlackJsonAssert.WithinLimits(post.Body["blocks"]!.AsArray(), 50, "posted card");
        SlackJsonAssert.IsSafe(post.Body, "posted card");
    }

    [Fact]
    public async Task TenThousandCharacterMessageCapturedByEmojiStillPostsWithinLimits()
    {
        host.Slack.AddMessage("C400", "1700000900.000100", Long + "\n" + Long, "U777");
        var response = await host.Client.SendAsync(SignedSlackRequest.Reaction("EvCaptureLong", "U111", "bulb", "C400", "1700000900.000100"));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);

        await SpeBotFactory.WaitUntilAsync(() => host.Slack.CallsTo("chat.postMessage").Any(p => p.Body["channel"]!.GetValue<string>() == "C400"),
            what: "captured card");
        var post = host.Slack.CallsTo("chat.postMessage").Single(p => p.Body["channel"]!.GetValue<string>() == "C400");
        SlackJsonAssert.WithinLimits(post.Body["blocks"]!.AsArray(), 50, "captured card");
        Assert.All(SlackJsonAssert.Strings(post.Body), s => Assert.True(IsWellFormedUtf16(s)));
        await SpeBotFactory.WaitUntilAsync(() => host.Slack.CallsTo("reactions.add").Any(r => r.Body["channel"]!.GetValue<string>() == "C400"),
            what: "captured checkpoint reaction");
    }

    [Fact]
    public void ButtonAndHeaderTextAreCutToTheirLimits()
    {
        var button = BlockKit.Button(Long, "a", Long);
        Assert.True(button["text"]!["text"]!.GetValue<string>().Length <= 75);
        Assert.True(button["value"]!.GetValue<string>().Length <= 2000);
        Assert.True(BlockKit.Header(Long)["text"]!["text"]!.GetValue<string>().Length <= 150);
        Assert.Equal(" ", BlockKit.Section("")["text"]!["text"]!.GetValue<string>());
    }
}

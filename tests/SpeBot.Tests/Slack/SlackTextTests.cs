using SpeBot.Host.Slack;

namespace SpeBot.Tests.Slack;

/// <summary>mrkdwn escaping (slack-platform.md §8) and Slack wire text → stored plain text.</summary>
public sealed class SlackTextTests
{
    [Fact]
    public void DatabaseTextIsEscapedAmpersandFirst() =>
        Assert.Equal("&lt;!channel&gt; &amp; &lt;@U123&gt; &lt;https://evil|x&gt;", SlackText.EscapeText("<!channel> & <@U123> <https://evil|x>"));

    [Fact]
    public void EscapingTouchesNothingButTheThreeControlCharacters() =>
        Assert.Equal("*bold* _it_ ~s~ `code` \"q\" 'a' 日本語 🎉", SlackText.EscapeText("*bold* _it_ ~s~ `code` \"q\" 'a' 日本語 🎉"));

    [Fact]
    public void EscapingAnEntityAgainEscapesItsAmpersand() =>
        Assert.Equal("&amp;lt;", SlackText.EscapeText("&lt;"));

    [Fact]
    public void WireTextBecomesReadablePlainText() =>
        Assert.Equal("a & @here @bob", SlackText.ToPlain("a &amp; <!here> <@U1|bob>"));

    [Theory]
    [InlineData("<!channel> now", "@channel now")]
    [InlineData("<!everyone>", "@everyone")]
    [InlineData("<@U123ABC>", "@U123ABC")]
    [InlineData("see <#C123|general>", "see #general")]
    [InlineData("<https://example.com|the docs>", "the docs (https://example.com)")]
    [InlineData("<https://example.com>", "https://example.com")]
    [InlineData("1 &lt; 2 &gt; 0", "1 < 2 > 0")]
    [InlineData("&amp;lt;", "&lt;")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void ToPlainReadsSlackMarkup(string? wire, string plain) => Assert.Equal(plain, SlackText.ToPlain(wire));

    [Theory]
    [InlineData("a &amp; <!here>", "a &amp; @here")]
    [InlineData("Tom &amp; Jerry &lt;3", "Tom &amp; Jerry &lt;3")]
    [InlineData("&amp;amp;", "&amp;amp;")]
    public void SlackSourcedTextIsNeverDoubleEscaped(string wire, string shown)
    {
        var shownAgain = SlackText.EscapeText(SlackText.ToPlain(wire));
        Assert.Equal(shown, shownAgain);
        if (!wire.Contains("&amp;amp;", StringComparison.Ordinal)) Assert.DoesNotContain("&amp;amp;", shownAgain);
    }

    [Fact]
    public void CommandTextKeepsUserMentionsAsTheNeutralFormAndDecodesTheRest() =>
        Assert.Equal("propose for <@U123> & co @here x (https://evil)",
            SlackText.CommandToNeutral("propose for <@U123|bob> &amp; co <!here> <https://evil|x>"));

    [Theory]
    [InlineData("U123ABC", "<@U123ABC>")]
    [InlineData("W0ABCDE", "<@W0ABCDE>")]
    [InlineData("!channel", "!channel")]
    [InlineData("U1> <!here", "U1&gt; &lt;!here")]
    public void MentionIsMarkupOnlyForAWellFormedUserId(string id, string rendered) =>
        Assert.Equal(rendered, SlackText.Instance.Mention(new SpeBot.Core.UserRef(id)));
}

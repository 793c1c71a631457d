using SpeBot.Core;
using SpeBot.Core.Commands;

namespace SpeBot.Tests.Core;

public sealed class CommandTextTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("\t\n\r")]
    [InlineData("\u3000")]
    [InlineData(" \u3000\t\u3000\n ")]
    public void BlankTextIsHelpWithoutAnError(string? text)
    {
        var parsed = CommandText.Parse(text);

        Assert.Equal("help", parsed.Verb);
        Assert.Empty(parsed.Args);
        Assert.Equal("", parsed.Rest);
        Assert.Null(parsed.Error);
    }

    [Fact]
    public void ExactlyFourThousandCharactersIsAccepted()
    {
        var text = "propose " + new string('a', CommandText.MaxInputChars - "propose ".Length);
        Assert.Equal(4000, text.Length);

        var parsed = CommandText.Parse(text);

        Assert.Null(parsed.Error);
        Assert.Equal("propose", parsed.Verb);
        Assert.Equal(3992, Assert.Single(parsed.Args).Text.Length);
    }

    [Theory]
    [InlineData(4001)]
    [InlineData(10_000)]
    public void OverlongTextIsTheTooLongErrorNotAnException(int length)
    {
        var text = "propose " + new string('x', length - "propose ".Length);

        var parsed = CommandText.Parse(text);

        var error = Assert.IsType<Message>(parsed.Error);
        Assert.Equal("error.too_long", error.Key);
        Assert.Equal(4000, error.Args!["max"]);
        Assert.Equal(length, error.Args["length"]);
    }

    [Fact]
    public void TenThousandCharactersOfWhitespaceAndQuotesIsStillTooLong()
    {
        // Length is checked before trimming, so padding cannot smuggle a huge body past the limit.
        var parsed = CommandText.Parse(new string('\u3000', 5_000) + new string('"', 5_000));
        Assert.Equal("error.too_long", parsed.Error?.Key);
    }

    [Theory]
    [InlineData("PROPOSE x", "propose")]
    [InlineData("Help", "help")]
    [InlineData("提案 x", "propose")]
    [InlineData("ヘルプ", "help")]
    [InlineData("一覧", "list")]
    [InlineData("add x", "propose")]
    [InlineData("?", "help")]
    [InlineData("\u3000提案\u3000タイトル", "propose")]
    public void VerbsAreCaseInsensitiveAndAliasesMapToTheirVerb(string text, string verb) =>
        Assert.Equal(verb, CommandText.Parse(text).Verb);

    [Fact]
    public void UnknownVerbIsKeptLowercasedForTheHelpReply()
    {
        var parsed = CommandText.Parse("Frobnicate now");
        Assert.Equal("frobnicate", parsed.Verb);
        Assert.Null(parsed.Error);
    }

    [Theory]
    [InlineData("<!channel>")]
    [InlineData("<@U123>")]
    [InlineData("<!here|here>")]
    [InlineData("'; DROP TABLE items; --")]
    [InlineData("Robert'); DROP TABLE workspaces;--")]
    public void HostileWordsArePassedThroughAsPlainText(string hostile)
    {
        var parsed = CommandText.Parse($"propose fix {hostile} now");

        Assert.Equal("propose", parsed.Verb);
        Assert.Equal($"fix {hostile} now", parsed.Rest);
        Assert.Equal($"fix {hostile} now", string.Join(' ', parsed.Args.Select(a => a.Text)));
        Assert.All(parsed.Args, a => Assert.False(a.Quoted));
    }

    [Fact]
    public void EmojiSurrogatePairsAndZwjSequencesStayWhole()
    {
        const string family = "👨\u200D👩\u200D👧\u200D👦";
        const string flag = "🏳️\u200D🌈";

        var parsed = CommandText.Parse($"propose 🔥{family} {flag} 🚀");

        Assert.Equal(new[] { "🔥" + family, flag, "🚀" }, parsed.Args.Select(a => a.Text));
        Assert.All(parsed.Args, a => Assert.DoesNotContain(a.Text, char.IsWhiteSpace));
    }

    [Fact]
    public void JapaneseCornerBracketsQuoteATitleWithIdeographicSpaces()
    {
        var parsed = CommandText.Parse("提案\u3000「フィルター\u3000交換 #security」\u3000#security");

        Assert.Equal("propose", parsed.Verb);
        Assert.Equal(2, parsed.Args.Count);
        Assert.Equal(new Token("フィルター\u3000交換 #security", true), parsed.Args[0]);
        Assert.Equal(new Token("#security", false), parsed.Args[1]);
    }

    [Theory]
    [InlineData("propose \"unclosed title here", "unclosed title here")]
    [InlineData("propose 「閉じない 括弧", "閉じない 括弧")]
    [InlineData("propose “curly never closed", "curly never closed")]
    [InlineData("propose \"", "")]
    public void UnclosedQuoteRunsToTheEnd(string text, string inner)
    {
        var parsed = CommandText.Parse(text);

        var token = Assert.Single(parsed.Args);
        Assert.True(token.Quoted);
        Assert.Equal(inner, token.Text);
    }

    [Fact]
    public void QuoteInsideAWordIsAnOrdinaryCharacter()
    {
        var parsed = CommandText.Parse("propose it's \"fine\"");
        Assert.Equal(new[] { new Token("it's", false), new Token("fine", true) }, parsed.Args);
    }

    [Fact]
    public void RandomTextNeverThrowsAndKeepsTheParsersPromises()
    {
        string[] pieces =
        [
            "propose", "提案", "help", "#security", "#", "impact:", "impact:4", "effort:9", "effort:", "team:", "team:sre",
            "影響：3", "工数=2", "チーム:", "\"", "“", "”", "「", "」", "『", "』", "<!channel>", "<@U123>", "'", ";", "--",
            "DROP TABLE items", " ", "\u3000", "\t", "\n", "🔥", "👨\u200D👩\u200D👧", "\uD83D", "\uDE00", "\0", "SPE-", "SPE-12",
            "#12", "-1", "99999999999999999999", "\u202E", "́", "ａ",
        ];
        var random = new Random(20261102);
        for (var n = 0; n < 4_000; n++)
        {
            var text = RandomText(random, pieces, n % 250 == 0 ? 2_500 : 12);

            var parsed = CommandText.Parse(text);
            Assert.NotNull(parsed.Verb);
            Assert.Equal(text.Length > CommandText.MaxInputChars, parsed.Error is not null);

            var proposal = ProposalText.Parse(parsed.Args);
            if (proposal.Error is null)
            {
                Assert.True(proposal.Title.Length <= ProposalText.MaxTitle, text);
                Assert.True(proposal.Impact is null or >= 1 and <= 5, text);
                Assert.True(proposal.Effort is null or >= 1 and <= 5, text);
                Assert.Contains(proposal.Category, SpeBot.Core.Items.Category.All);
            }
            if (SpeBot.Core.Items.ItemRef.TryParse(text, out var number)) Assert.True(number > 0, text);
            SpeBot.Core.Items.Category.TryNormalize(text, out var category);
            Assert.Contains(category, SpeBot.Core.Items.Category.All);
        }
    }

    private static string RandomText(Random random, string[] pieces, int maxPieces)
    {
        var sb = new System.Text.StringBuilder();
        var count = random.Next(0, maxPieces + 1);
        for (var i = 0; i < count; i++)
        {
            sb.Append(random.Next(3) switch
            {
                0 => pieces[random.Next(pieces.Length)],
                1 => (char)random.Next(0, 0xFFFF),
                _ => " ",
            });
        }
        return sb.ToString();
    }
}

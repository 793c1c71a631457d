using SpeBot.Core;
using SpeBot.Core.Commands;
using SpeBot.Core.Items;

namespace SpeBot.Tests.Core;

public sealed class ProposalTextTests
{
    private static ProposalText Proposal(string afterVerb) => ProposalText.Parse(CommandText.Parse("propose " + afterVerb).Args);

    [Fact]
    public void HintsAreTakenOutOfTheTitle()
    {
        Assert.Equal(new ProposalText("Replace filters in B2", "security", 4, 2, "sre", null),
            Proposal("Replace filters in B2 #security impact:4 effort:2 team:sre"));
    }

    [Fact]
    public void JapaneseTitleAndJapaneseHintNamesWork()
    {
        Assert.Equal(new ProposalText("フィルター交換 B2棟", "performance", 5, 1, "インフラ", null),
            ProposalText.Parse(CommandText.Parse("提案 「フィルター交換」 B2棟 影響：5 工数=1 チーム:インフラ #perf").Args));
    }

    [Fact]
    public void NoHintsMeansCategoryOtherAndNothingElseSet()
    {
        var p = Proposal("just a title");
        Assert.Equal(new ProposalText("just a title", "other", null, null, null, null), p);
    }

    [Fact]
    public void QuotedHintsAndUnknownHashtagsStayInTheTitle()
    {
        var p = Proposal("\"impact:4 #security\" #nosuchcategory");

        Assert.Null(p.Error);
        Assert.Equal("impact:4 #security #nosuchcategory", p.Title);
        Assert.Equal("other", p.Category);
        Assert.Null(p.Impact);
    }

    [Theory]
    [InlineData("effort:9", "effort", "9")]
    [InlineData("impact:0", "impact", "0")]
    [InlineData("impact:", "impact", "")]
    [InlineData("impact:+3", "impact", "+3")]
    [InlineData("effort:４", "effort", "４")]
    [InlineData("impact:'; DROP TABLE items; --", "impact", "';")]
    public void OutOfScaleHintIsTheScaleError(string hint, string field, string value)
    {
        var p = Proposal($"fix it {hint}");

        var error = Assert.IsType<Message>(p.Error);
        Assert.Equal("error.scale", error.Key);
        Assert.Equal(field, error.Args!["field"]);
        Assert.Equal(value, error.Args["value"]);
    }

    [Fact]
    public void TitleOfExactlyTheLimitIsAccepted()
    {
        var p = Proposal(new string('t', ProposalText.MaxTitle));
        Assert.Null(p.Error);
        Assert.Equal(150, p.Title.Length);
    }

    [Fact]
    public void TitleOverTheLimitIsTheTitleTooLongError()
    {
        var p = Proposal(string.Join(' ', Enumerable.Repeat("word", 40)) + " #security");

        var error = Assert.IsType<Message>(p.Error);
        Assert.Equal("error.title_too_long", error.Key);
        Assert.Equal(150, error.Args!["max"]);
        Assert.Equal(199, error.Args["length"]);
    }

    [Fact]
    public void TeamNameOverTheLimitIsRefused()
    {
        var p = Proposal("title team:" + new string('s', ProposalText.MaxTeam + 1));
        Assert.Equal("error.team_too_long", p.Error?.Key);
    }

    [Theory]
    [InlineData("SPE-12", 12)]
    [InlineData("spe-12", 12)]
    [InlineData("#12", 12)]
    [InlineData("12", 12)]
    [InlineData(" SPE-7\u3000", 7)]
    [InlineData("9223372036854775807", long.MaxValue)]
    public void ItemRefAcceptsItsFourSpellings(string text, long number)
    {
        Assert.True(ItemRef.TryParse(text, out var n));
        Assert.Equal(number, n);
        Assert.Equal($"SPE-{number}", ItemRef.Format(n));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\u3000\t\n")]
    [InlineData("SPE-")]
    [InlineData("SPE-0")]
    [InlineData("SPE--1")]
    [InlineData("-1")]
    [InlineData("+1")]
    [InlineData("1e3")]
    [InlineData("SPE-1 2")]
    [InlineData("##12")]
    [InlineData("９")]
    [InlineData("99999999999999999999")]
    [InlineData("'; DROP TABLE items; --")]
    [InlineData("<@U123>")]
    [InlineData("🔥12")]
    public void ItemRefRefusesEverythingElse(string? text)
    {
        Assert.False(ItemRef.TryParse(text, out var n));
        Assert.Equal(0, n);
    }

    [Theory]
    [InlineData("security", "security")]
    [InlineData("#security", "security")]
    [InlineData("  #SECURITY\u3000", "security")]
    [InlineData("#perf", "performance")]
    [InlineData("FinOps", "cost")]
    [InlineData("#eol", "lifecycle")]
    [InlineData("other", "other")]
    public void CategoryNamesAndAliasesNormalize(string text, string category)
    {
        Assert.True(Category.TryNormalize(text, out var c));
        Assert.Equal(category, c);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("\u3000")]
    [InlineData("#")]
    [InlineData("#nosuch")]
    [InlineData("sec urity")]
    [InlineData("セキュリティ")]
    [InlineData("'; DROP TABLE items; --")]
    [InlineData("🔒")]
    public void UnknownCategoryIsRefusedAndReadsAsOther(string? text)
    {
        Assert.False(Category.TryNormalize(text, out var c));
        Assert.Equal("other", c);
    }
}

using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using SpeBot.Core;
using SpeBot.Core.Commands;
using SpeBot.Core.Items;
using SpeBot.Core.Text;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Core;

public sealed partial class MessageCatalogTests
{
    private static readonly MessageCatalog Catalog = new();

    /// <summary>Escapes like Slack mrkdwn and marks what it touched, so a test can see which text went through it.</summary>
    private sealed class MarkingStyle : ITextStyle
    {
        public string Escape(string userText) =>
            "⟦" + userText.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
                .Replace(">", "&gt;", StringComparison.Ordinal) + "⟧";

        public string Mention(UserRef user) => $"<@{user.Id}>";
    }

    [GeneratedRegex(@"\{([^{}]+)\}")]
    private static partial Regex Placeholder();

    private static SortedSet<string> Placeholders(string template) =>
        new(MessageCatalog.Arguments(template).Select(a => a.Name), StringComparer.Ordinal);

    private static HashSet<string> PluralNames(string template) =>
        MessageCatalog.Arguments(template).Where(a => a.Plural is not null).Select(a => a.Name).ToHashSet(StringComparer.Ordinal);

    public static TheoryData<string> EnglishKeys() => new(Catalog.Keys("en").Order(StringComparer.Ordinal));

    [Fact]
    public void EveryEnglishKeyHasAJapaneseEntryAndBack()
    {
        var en = Catalog.Keys("en").ToHashSet(StringComparer.Ordinal);
        var ja = Catalog.Keys("ja").ToHashSet(StringComparer.Ordinal);

        Assert.NotEmpty(en);
        Assert.Empty(en.Except(ja).Order(StringComparer.Ordinal));
        Assert.Empty(ja.Except(en).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(EnglishKeys))]
    public void KeyHasTheSamePlaceholdersInBothLanguages(string key) =>
        Assert.Equal(Placeholders(Catalog.Template("en", key)), Placeholders(Catalog.Template("ja", key)));

    [Theory]
    [MemberData(nameof(EnglishKeys))]
    public void KeyRendersInBothLanguagesWithEveryPlaceholderFilled(string key)
    {
        foreach (var locale in MessageCatalog.Locales)
        {
            var template = Catalog.Template(locale, key);
            var names = Placeholders(template);
            var plurals = PluralNames(template);
            var args = names.ToDictionary(n => n, n => plurals.Contains(n) ? 7 : (object?)$"v-{n}");

            var text = Catalog.Format(locale, new Message(key, args), new MarkingStyle());

            Assert.False(string.IsNullOrWhiteSpace(text), $"{locale}:{key} is blank");
            Assert.NotEqual(key, text);
            Assert.DoesNotMatch(Placeholder(), text);
            Assert.DoesNotContain("{", text, StringComparison.Ordinal);
            foreach (var n in names.Except(plurals)) Assert.Contains($"⟦v-{n}⟧", text, StringComparison.Ordinal);
            if (plurals.Count > 0) Assert.Contains("7", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void JapaneseTextIsTranslatedExceptForNamesAndSymbols()
    {
        string[] sameInBoth = ["app.name", "card.unset", "category.esg", "show.detail", "show.event"];
        var same = Catalog.Keys("en").Where(k => Catalog.Template("en", k) == Catalog.Template("ja", k));
        Assert.All(same, k => Assert.Contains(k, sameInBoth));
    }

    [Fact]
    public void EveryVerbTheRouterKnowsHasHelpText()
    {
        using var factory = new SpeBotFactory(null);
        var router = factory.Services.GetRequiredService<CommandRouter>();

        Assert.Contains("propose", router.Verbs);
        Assert.Contains("help", router.Verbs);
        foreach (var verb in router.Verbs)
        {
            Assert.Contains($"help.{verb}", Catalog.Keys("en"));
            Assert.Contains($"help.{verb}", Catalog.Keys("ja"));
        }
        Assert.All(router.Help("nope").Lines, line => Assert.True(Catalog.Has(line.Key), line.Key));
    }

    [Fact]
    public void EveryStatusAndCategoryHasADisplayName()
    {
        foreach (var s in Enum.GetValues<ItemStatus>()) Assert.True(Catalog.Has($"status.{s.Wire()}"), s.Wire());
        foreach (var c in Category.All) Assert.True(Catalog.Has($"category.{c}"), c);
    }

    [Theory]
    [InlineData("fr")]
    [InlineData("de-DE")]
    [InlineData("")]
    [InlineData("'; DROP TABLE items; --")]
    public void UnknownLocaleFallsBackToEnglish(string locale)
    {
        var message = new Message("error.scale", new() { ["field"] = "impact", ["value"] = "9" });

        Assert.Equal(Catalog.Format("en", message, new MarkingStyle()), Catalog.Format(locale, message, new MarkingStyle()));
        Assert.Null(MessageCatalog.Normalize(locale));
    }

    [Theory]
    [InlineData("ja", "ja")]
    [InlineData("ja-JP", "ja")]
    [InlineData("JA_jp", "ja")]
    [InlineData(" en-US ", "en")]
    public void LocaleVariantsNormalizeToTheirLanguage(string locale, string expected)
    {
        Assert.Equal(expected, MessageCatalog.Normalize(locale));
        Assert.Equal(Catalog.Template(expected, "help.title"), Catalog.Template(locale, "help.title"));
    }

    [Fact]
    public void UnknownKeyRendersAsTheKeyItself() =>
        Assert.Equal("no.such.key", Catalog.Format("ja", new Message("no.such.key"), new MarkingStyle()));

    [Fact]
    public void ArgumentsAreEscapedButCatalogTextIsNot()
    {
        var text = Catalog.Format("en", new Message("lang.usage", new() { ["choices"] = "<!channel> & <@U1>" }), new MarkingStyle());

        // The template's own `<code>` is trusted markup; only the argument went through the style.
        Assert.Equal("Choose a language: `/spe lang <code>` with one of ⟦&lt;!channel&gt; &amp; &lt;@U1&gt;⟧.", text);
    }

    [Fact]
    public void TypedArgumentsRenderAsMentionsNumbersAndLocalisedNames()
    {
        var message = new Message("card.meta", new()
        {
            ["category"] = new KeyRef("category.security"),
            ["status"] = new KeyRef("status.in_progress"),
            ["author"] = new UserRef("U123"),
        });

        Assert.Equal("Security · In progress · proposed by <@U123>", Catalog.Format("en", message, new MarkingStyle()));
        Assert.Equal("セキュリティ · 対応中 · 提案者 <@U123>", Catalog.Format("ja", message, new MarkingStyle()));
        Assert.Equal("Score *2.5* · 1234 votes · impact ⟦–⟧ · effort 5",
            Catalog.Format("en", new Message("card.stats", new() { ["score"] = 2.5, ["votes"] = 1234, ["impact"] = "–", ["effort"] = 5 }),
                new MarkingStyle()));
    }

    [Fact]
    public void ArgumentThatLooksLikeAPlaceholderIsNotExpandedAgain()
    {
        var text = Catalog.Format("en", new Message("propose.created", new() { ["ref"] = "SPE-1", ["title"] = "{ref} {title}" }),
            new MarkingStyle());

        Assert.Equal("Proposed ⟦SPE-1⟧: ⟦{ref} {title}⟧. Its card is on its way to the channel.", text);
    }

    [Theory]
    [MemberData(nameof(EnglishKeys))]
    public void EveryPluralHasTheFormsItsLanguageNeeds(string key)
    {
        foreach (var locale in MessageCatalog.Locales)
        {
            foreach (var (name, plural) in MessageCatalog.Arguments(Catalog.Template(locale, key)))
            {
                if (plural is null) continue;
                foreach (var category in Plural.Categories[locale])
                    Assert.True(plural.Forms.ContainsKey(category), $"{locale}:{key} {{{name}}} has no '{category}' form");
                Assert.All(plural.Forms.Keys, k => Assert.True(k.StartsWith('=') || Plural.Categories[locale].Contains(k), $"{locale}:{key} has form '{k}'"));
            }
        }
    }

    [GeneratedRegex(@"\{(count|votes|days|moved|claimed|proposed|notes|questions|touched|due|stale|length)\}\s+(votes?|items?|days?|people|persons?|notes?|questions?|characters?|claims?|open proposed)\b")]
    private static partial Regex BareCountBeforeNoun();

    [Theory]
    [MemberData(nameof(EnglishKeys))]
    public void EnglishCountsChooseTheirPluralForm(string key) =>
        Assert.DoesNotMatch(BareCountBeforeNoun(), Catalog.Template("en", key));

    [Theory]
    [InlineData(0, "0 votes")]
    [InlineData(1, "1 vote ·")]
    [InlineData(2, "2 votes")]
    [InlineData(21, "21 votes")]
    public void VoteCountsReadRightInEnglish(int votes, string expected)
    {
        var text = Catalog.Format("en", new Message("card.stats", new() { ["score"] = 2.5, ["votes"] = votes, ["impact"] = 3, ["effort"] = 3 }), new MarkingStyle());

        Assert.Contains(expected, text, StringComparison.Ordinal);
        if (votes == 1) Assert.DoesNotContain("1 votes", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, "1 票")]
    [InlineData(2, "2 票")]
    public void JapaneseCountsHaveNoPluralForm(int votes, string expected) =>
        Assert.Contains(expected, Catalog.Format("ja", new Message("card.stats", new() { ["score"] = 1, ["votes"] = votes, ["impact"] = 3, ["effort"] = 3 }), new MarkingStyle()),
            StringComparison.Ordinal);

    [Fact]
    public void CountsStoredAsTextInTheOutboxStillChooseTheirForm()
    {
        // Outbox bodies keep arguments as text (OutboundBody.Args); a stored "1" must still read "1 day".
        var one = Catalog.Format("en", new Message("claim.expired", new() { ["ref"] = "SPE-1", ["title"] = "t", ["days"] = "1" }), new MarkingStyle());
        var many = Catalog.Format("en", new Message("claim.expired", new() { ["ref"] = "SPE-1", ["title"] = "t", ["days"] = "14" }), new MarkingStyle());

        Assert.Contains("for 1 day,", one, StringComparison.Ordinal);
        Assert.Contains("for 14 days,", many, StringComparison.Ordinal);
    }

    [Fact]
    public void APluralWithoutANumberStaysVisibleInsteadOfGuessing()
    {
        var text = Catalog.Format("en", new Message("merge.done", new() { ["source"] = "SPE-1", ["target"] = "SPE-2", ["moved"] = "several" }), new MarkingStyle());

        Assert.Contains("{moved, plural,", text, StringComparison.Ordinal);
    }

    [Fact]
    public void PluralFormsCanUseOtherArgumentsAndExactMatches()
    {
        Assert.True(Plural.TryParse("n, plural, =0 {no {what}} one {# {what}} other {# {what}s}", out var plural));
        Assert.Equal("no {what}", plural.Choose("en", 0));
        Assert.Equal("# {what}", plural.Choose("en", 1));
        Assert.Equal("# {what}s", plural.Choose("en", 2));
        Assert.Equal("# {what}s", plural.Choose("ja", 1));
    }
}

using System.Text.RegularExpressions;
using SpeBot.Core;
using SpeBot.Core.Text;
using SpeBot.Host.Teams;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Teams;

/// <summary>
/// Issue 19 point 8: Teams gets its own wording where Slack's mentions emoji reactions (<c>:eyes:</c>, <c>:{vote}:</c>) or
/// features Teams lacks; no Teams text shows an unfilled placeholder. Point 9's plurals render on Teams too.
/// </summary>
public sealed class TeamsWordingTests : TeamsHost
{
    [Theory]
    [InlineData("en-US", "Vote with 👍")]
    [InlineData("ja-JP", "👍 を付けるか")]
    public async Task HelpInTeamsOffersTeamsWaysAndNoSlackReactions(string locale, string voteWording)
    {
        var help = ActivityBuilder.PersonalMessage(Bot.ServiceUrl, "help", "1700000000301");
        help["locale"] = locale;
        await SendAsync(help);
        await SpeBotFactory.WaitUntilAsync(() => Bot.Calls.Any(c => c.Path.EndsWith("/activities/1700000000301", StringComparison.Ordinal)), what: "help reply");

        var text = Bot.Calls.Single(c => c.Path.EndsWith("/activities/1700000000301", StringComparison.Ordinal)).Body["text"]!.GetValue<string>();
        Assert.Contains(voteWording, text, StringComparison.Ordinal);
        Assert.Contains("`home`", text, StringComparison.Ordinal);
        Assert.Contains("`claim SPE-n`", text, StringComparison.Ordinal);
        // Teams commands cannot name another channel (no <#C…> syntax): schedules are offered for "here" only.
        Assert.Contains("`schedule digest|nudge|retro|handoff here", text, StringComparison.Ordinal);
        Assert.DoesNotContain("<#", text, StringComparison.Ordinal);
        Assert.DoesNotContain("&lt;#", text, StringComparison.Ordinal);
        Assert.DoesNotContain("{", text, StringComparison.Ordinal);
        Assert.DoesNotContain(":eyes:", text, StringComparison.Ordinal);
        Assert.DoesNotMatch(TeamsCatalogWordingTests.SlackEmoji(), text);
        Assert.DoesNotContain("/spe", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CardCountsVotesInTheRightPluralForm()
    {
        var (itemId, cardId) = await ProposeAsync("Trim log retention");

        var one = await InvokeAsync(ActivityBuilder.CardAction(Bot.ServiceUrl, TeamsRenderer.VoteVerb, itemId, cardId, "inv-plural-1"));
        var two = await InvokeAsync(ActivityBuilder.CardAction(Bot.ServiceUrl, TeamsRenderer.VoteVerb, itemId, cardId, "inv-plural-2", userAad: KenAad));

        Assert.Contains("· 1 vote ·", Relaxed(one), StringComparison.Ordinal);
        Assert.DoesNotContain("1 votes", Relaxed(one), StringComparison.Ordinal);
        Assert.Contains("· 2 votes ·", Relaxed(two), StringComparison.Ordinal);
    }

    private static string Relaxed(System.Text.Json.Nodes.JsonNode node) =>
        node.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}

/// <summary>Every catalog key as Teams renders it (its teams.* wording where there is one), in English and Japanese.</summary>
public sealed partial class TeamsCatalogWordingTests
{
    private static readonly MessageCatalog Catalog = new();

    /// <summary>Slack's emoji syntax (<c>:eyes:</c>, <c>:v-capture:</c>); times such as 09:30 never match (digits after the colon end in a space or backtick).</summary>
    [GeneratedRegex(@":[a-z][a-z0-9_+\-]*:")]
    internal static partial Regex SlackEmoji();

    public static TheoryData<string> Keys() => new(Catalog.Keys("en").Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Keys))]
    public void TeamsTextHasNoPlaceholderAndNoSlackEmoji(string key)
    {
        foreach (var locale in MessageCatalog.Locales)
        {
            var style = new TeamsText(new TeamsPeople());
            var template = Catalog.Template(locale, key, style.Variant);
            var args = MessageCatalog.Arguments(template).GroupBy(a => a.Name)
                .ToDictionary(g => g.Key, g => g.Any(a => a.Plural is not null) ? 2 : (object?)"value");

            var text = Catalog.Format(locale, new Message(key, args), style);

            Assert.DoesNotContain("{", text, StringComparison.Ordinal);
            Assert.DoesNotContain("}", text, StringComparison.Ordinal);
            Assert.DoesNotMatch(SlackEmoji(), text);
        }
    }
}

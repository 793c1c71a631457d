using System.Text.Json.Nodes;
using SpeBot.Core;
using SpeBot.Core.Capacity;
using SpeBot.Core.Items;
using SpeBot.Core.Schedules;
using SpeBot.Core.Text;
using SpeBot.Host.Teams;

namespace SpeBot.Tests.Teams;

/// <summary>The digest card's lists, limits and catalog text, without a host.</summary>
public sealed class DigestCardTests
{
    private static readonly TeamsRenderer Renderer = new(new MessageCatalog(), new TeamsPeople());
    private static readonly DateTimeOffset From = new(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);

    private static ItemView Done(int n, string evidence) => new(new Item
    {
        Id = n, Number = n, Title = $"Task {n}", AuthorId = "29:1author-abcdefgh", Category = "toil", Status = "done",
        DoneBy = "29:1doer-abcdefgh", Evidence = evidence,
    }, 1);

    private static DigestModel Model(IReadOnlyList<ItemView> done, IReadOnlyList<CapacityLine>? capacity = null) =>
        new(From, From.AddDays(7), 0, [], [], done, [], [], capacity ?? [], [], 14);

    private static string Text(JsonObject card) => string.Join("\n", card["body"]!.AsArray().Select(b => b!["text"]!.GetValue<string>()));

    [Fact]
    public void LongListsAreCappedAndSayHowManyMoreThereAre()
    {
        var card = TeamsDigest.Card(Renderer, Model(Enumerable.Range(1, 14).Select(n => Done(n, "ok")).ToList()), "en", TimeZoneInfo.Utc);
        var text = Text(card);
        Assert.Contains("- SPE-10 Task 10", text);
        Assert.DoesNotContain("SPE-11 ", text);
        Assert.Contains("- …and 4 more", text);
        Assert.Contains("SPE digest 2026-11-23 – 2026-11-30", text);
    }

    [Fact]
    public void HugeEvidenceShrinksTheListsUntilTheCardFitsTheSizeBudget()
    {
        var card = TeamsDigest.Card(Renderer, Model(Enumerable.Range(1, 30).Select(n => Done(n, new string('x', 2900))).ToList()), "en", TimeZoneInfo.Utc);
        Assert.True(SpeBot.Host.Teams.BotJson.Serialize(card).Length <= AdaptiveCards.MaxCardBytes);
        var text = Text(card);
        Assert.Contains("- …and 25 more", text);
        Assert.DoesNotContain("x…", text); // whole lines dropped, never a line cut mid-way
    }

    [Fact]
    public void JapaneseDigestUsesTheJapaneseCatalogAndShowsTheUnnamedTeam()
    {
        var card = TeamsDigest.Card(Renderer, Model([], [new CapacityLine("", 10, 4.25)]), "ja", TimeZoneInfo.Utc);
        var text = Text(card);
        Assert.Contains("SPE ダイジェスト", text);
        Assert.Contains("キャパシティ：約束と実績", text);
        Assert.Contains("今期は該当なし。", text);
        Assert.DoesNotContain("capacity.no_team", text);
    }
}

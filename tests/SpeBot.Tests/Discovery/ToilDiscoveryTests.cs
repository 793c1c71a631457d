using SpeBot.Core.Discovery;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Discovery;

public sealed class ToilDiscoveryTests : SlackHost
{
    protected override Dictionary<string, string?>? Settings => new() { ["Toil:Enabled"] = "true" };

    public sealed class Row
    {
        public string Title { get; init; } = "";
        public string Category { get; init; } = "";
        public string? FoundBy { get; init; }
        public string? Detail { get; init; }
        public string AuthorId { get; init; } = "";
    }

    [Fact]
    public async Task TheSameToilNotedThreeTimesIsProposedOnceCreditingTheNotesAndAuthors()
    {
        Assert.Contains("Noted as toil", TextOf(await CommandAsync("note Restarted worker 3 by hand #toil", user: "U111")));
        await CommandAsync("note Unrelated thing #toil", user: "U111");
        await CommandAsync("note restarted worker 7 by hand. #toil", user: "U222");
        Assert.Empty(Query<Row>("SELECT * FROM items"));

        var third = TextOf(await CommandAsync("note #toil Restarted Worker 1 by hand", user: "U333"));
        Assert.Contains("noted 3 times, so SpeBot proposed SPE-1", third);

        var item = Assert.Single(Query<Row>("SELECT * FROM items"));
        Assert.Equal(("Automate: Restarted worker 3 by hand", "toil", "toil", "U111"), (item.Title, item.Category, item.FoundBy, item.AuthorId));
        Assert.Contains("Noted as toil 3 times, by @U111, @U222, @U333", item.Detail);
        Assert.Contains("@U222: restarted worker 7 by hand. #toil", item.Detail);
        await SpeBotFactory.WaitUntilAsync(() => Slack.CallsTo("chat.postMessage").Any(c => c.Text.Contains("Automate: Restarted worker 3", StringComparison.Ordinal)),
            what: "toil card");

        Assert.DoesNotContain("proposed", TextOf(await CommandAsync("note restarted worker 9 by hand #toil", user: "U444")));
        Assert.Single(Query<Row>("SELECT * FROM items"));
    }

    [Theory]
    [InlineData("Restarted worker 3 by hand #toil", "restarted worker 0 by hand")]
    [InlineData("#toil  Rotated the  logs, again!", "rotated the logs again")]
    [InlineData("手でワーカーを再起動した。 #toil", "手でワーカーを再起動した")]
    public void SameToilIgnoresCaseNumbersPunctuationAndTheTag(string note, string normal) => Assert.Equal(normal, ToilWatch.Normalize(note));
}

public sealed class ToilOffTests : SlackHost
{
    [Fact]
    public async Task WithoutToilEnabledRepeatedToilIsOnlyNoted()
    {
        for (var i = 0; i < 4; i++) await CommandAsync("note Restarted worker by hand #toil");
        Assert.Empty(Query<long>("SELECT id FROM items"));
    }
}

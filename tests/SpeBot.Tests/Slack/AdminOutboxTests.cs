using SpeBot.Tests.Support;

namespace SpeBot.Tests.Slack;

/// <summary><c>/spe admin outbox</c>: maintainers see this workspace's dead letters and why, and send them again.</summary>
public sealed class AdminOutboxTests : SlackHost
{
    private const string Maintainer = "UMAINT01";

    protected override Dictionary<string, string?>? Settings => new() { ["SpeBot:Maintainers:0"] = Maintainer };

    [Fact]
    public async Task MaintainerSeesDeadLettersWithTheirErrorAndRetriesOne()
    {
        Slack.Script("chat.postMessage", SlackAnswer.Error("channel_not_found"));
        await CommandAsync("propose Rotate the *keys*", channel: "C404");
        await SpeBotFactory.WaitUntilAsync(() => Query<long>("SELECT COUNT(*) FROM outbox WHERE status = 'dead'").Single() == 1, what: "dead letter");
        var id = Query<long>("SELECT id FROM outbox WHERE status = 'dead'").Single();

        var list = TextOf(await CommandAsync("admin outbox", user: Maintainer));
        var retried = TextOf(await CommandAsync($"admin outbox retry {id}", user: Maintainer));
        await SpeBotFactory.WaitUntilAsync(() => Query<string>("SELECT status FROM outbox WHERE id = @id", new { id }).Single() == "sent", what: "resent");

        Assert.Contains("dead letters 1", list, StringComparison.Ordinal);
        Assert.Contains($"#{id} item_card to <#C404>", list, StringComparison.Ordinal);
        Assert.Contains("channel_not_found", list, StringComparison.Ordinal);
        Assert.DoesNotContain("Rotate the", list, StringComparison.Ordinal);
        Assert.Contains($"Dead letter #{id} is queued again.", retried, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RetryDeadRequeuesAllAndAnUnknownIdIsSaidSo()
    {
        Slack.Script("chat.postMessage", SlackAnswer.Error("not_in_channel"), SlackAnswer.Error("not_in_channel"));
        await CommandAsync("propose One", channel: "C401");
        await CommandAsync("propose Two", channel: "C402");
        await SpeBotFactory.WaitUntilAsync(() => Query<long>("SELECT COUNT(*) FROM outbox WHERE status = 'dead'").Single() == 2, what: "two dead letters");

        var unknown = TextOf(await CommandAsync("admin outbox retry 999999", user: Maintainer));
        var all = TextOf(await CommandAsync("admin outbox retry dead", user: Maintainer));

        Assert.Contains("There is no dead letter #999999", unknown, StringComparison.Ordinal);
        Assert.Contains("2 dead letters are queued again.", all, StringComparison.Ordinal);
        await SpeBotFactory.WaitUntilAsync(() => Query<long>("SELECT COUNT(*) FROM outbox WHERE status = 'dead'").Single() == 0, what: "requeued");
    }

    [Fact]
    public async Task OnlyMaintainersMayLookAndTheEmptyOutboxSaysSo()
    {
        var refused = TextOf(await CommandAsync("admin outbox", user: "U111"));
        var empty = TextOf(await CommandAsync("admin outbox", user: Maintainer));
        var usage = TextOf(await CommandAsync("admin", user: Maintainer));

        Assert.Contains("Only this workspace's maintainers", refused, StringComparison.Ordinal);
        Assert.Contains("No dead letters", empty, StringComparison.Ordinal);
        Assert.Contains("/spe admin outbox", usage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InJapaneseTheListIsJapanese()
    {
        await CommandAsync("lang ja", user: Maintainer);

        var empty = TextOf(await CommandAsync("admin outbox", user: Maintainer));

        Assert.Contains("デッドレターはありません", empty, StringComparison.Ordinal);
        Assert.Contains("送信待ち", empty, StringComparison.Ordinal);
    }
}

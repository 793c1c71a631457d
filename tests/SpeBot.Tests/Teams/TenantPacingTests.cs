using SpeBot.Tests.Support;

namespace SpeBot.Tests.Teams;

/// <summary>Teams limits each app per tenant: SpeBot spaces its sends to one tenant, across conversations.</summary>
public sealed class TenantPacingTests : TeamsHost
{
    protected override Dictionary<string, string?> Settings => new() { ["Outbox:TeamsTenantIntervalMs"] = "300" };

    [Fact]
    public async Task SendsToOneTenantAreSpacedEvenAcrossConversations()
    {
        // The first send also fetches the Connector token and opens the connection, which can take longer than the interval
        // and let the next send arrive right behind it: pacing spaces when sends start, so the test starts warm.
        await SendAsync(ActivityBuilder.PersonalMessage(Bot.ServiceUrl, "help", "1700000000500"));
        await SpeBotFactory.WaitUntilAsync(() => Bot.Calls.Count(c => c.Method == "POST") >= 1, what: "the first reply");
        var warm = Bot.Calls.Count;

        await SendAsync(ActivityBuilder.ChannelMention(Bot.ServiceUrl, "propose Rotate the TLS keys", "1700000000501"));
        await SendAsync(ActivityBuilder.PersonalMessage(Bot.ServiceUrl, "propose Trim the dashboards", "1700000000502"));

        // Two cards and two replies, in two conversations of the same tenant.
        await SpeBotFactory.WaitUntilAsync(() => Bot.Calls.Skip(warm).Count(c => c.Method == "POST") >= 4, what: "cards and replies");
        var at = Bot.Calls.Skip(warm).Where(c => c.Method == "POST").Select(c => c.At).Order().ToList();
        var gaps = at.Zip(at.Skip(1), (a, b) => b - a).ToList();
        Assert.All(gaps, g => Assert.True(g >= TimeSpan.FromMilliseconds(250), $"sends {g.TotalMilliseconds:0} ms apart"));
    }
}

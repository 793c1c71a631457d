using System.Net;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Slack;

/// <summary>While a workspace has no maintainers anyone may add the first; exactly one, however many try at once (issue 19, point 2).</summary>
public sealed class FirstMaintainerTests : SlackHost
{
    [Fact]
    public async Task EightPeopleAddingThemselvesAtOnceStoreExactlyOneMaintainer()
    {
        var users = Enumerable.Range(1, 8).Select(i => $"U10{i}").ToList();
        var responses = await Task.WhenAll(users.Select(u => SendAsync(SignedSlackRequest.Command($"maintainers add <@{u}>", user: u))));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var answers = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync()));

        var stored = Query<string>("SELECT user_id FROM maintainers");
        var first = Assert.Single(stored);
        Assert.Contains(first, users);
        Assert.Single(answers, a => a.Contains("is now a maintainer", StringComparison.Ordinal));
        // The other seven are told who the maintainer now is.
        Assert.Equal(7, answers.Count(a => a.Contains("Only maintainers", StringComparison.Ordinal) && a.Contains($"<@{first}>", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task TheFirstMaintainerMayAddAndRemoveOthersAndNobodyElseMay()
    {
        Assert.Contains("is now a maintainer", TextOf(await CommandAsync("maintainers add <@U101>", user: "U101")));
        Assert.Contains("Only maintainers", TextOf(await CommandAsync("maintainers add <@U102>", user: "U102")));
        Assert.Contains("is now a maintainer", TextOf(await CommandAsync("maintainers add <@U102>", user: "U101")));
        Assert.Contains("Only maintainers", TextOf(await CommandAsync("maintainers remove <@U101>", user: "U103")));
        Assert.Equal(["U101", "U102"], Query<string>("SELECT user_id FROM maintainers ORDER BY user_id"));
    }
}

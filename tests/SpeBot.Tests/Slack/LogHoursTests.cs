using SpeBot.Tests.Support;

namespace SpeBot.Tests.Slack;

/// <summary>Only the claimer, the assignee or a maintainer may log hours on an item; others get a clear refusal (issue 19, point 6).</summary>
public sealed class LogHoursTests : SlackHost
{
    private const string Maintainer = "UMAINT01";

    protected override Dictionary<string, string?>? Settings => new() { ["SpeBot:Maintainers:0"] = Maintainer };

    private double Logged(string user) => Query<double>("SELECT COALESCE(SUM(hours), 0) FROM work_logs WHERE user_id = @user", new { user }).Single();

    [Fact]
    public async Task OnlyTheClaimerTheAssigneeOrAMaintainerMayLogHours()
    {
        await ProposeAsync("Automate cert renewal", user: "U111");
        await ProposeAsync("Drop Python 3.8", user: "U111");

        var unclaimed = await CommandAsync("log SPE-1 2", user: "U111");
        Assert.Contains("Nobody is working on SPE-1: claim it first", TextOf(unclaimed));
        Assert.Equal("ephemeral", unclaimed!["response_type"]!.GetValue<string>());

        await CommandAsync("claim SPE-1", user: "U222");
        Assert.Contains("Logged 2 h on SPE-1", TextOf(await CommandAsync("log SPE-1 2", user: "U222")));
        var refused = TextOf(await CommandAsync("log SPE-1 3", user: "U333"));
        Assert.Contains("Only the person working on SPE-1 (<@U222>) or a maintainer", refused);

        await CommandAsync("assign SPE-2 <@U333>", user: Maintainer);
        Assert.Contains("Logged 1.5 h on SPE-2", TextOf(await CommandAsync("log SPE-2 1.5", user: "U333")));
        Assert.Contains("Logged 4 h on SPE-1", TextOf(await CommandAsync("log SPE-1 4", user: Maintainer)));

        Assert.Equal(2, Logged("U222"));
        Assert.Equal(1.5, Logged("U333"));
        Assert.Equal(4, Logged(Maintainer));
        Assert.Equal(0, Logged("U111"));
    }

    [Fact]
    public async Task HelpSaysWhoMayLogInEnglishAndJapanese()
    {
        Assert.Contains("log hours you spent on an item you claimed or were assigned (maintainers: any item)", TextOf(await CommandAsync("help")));
        await CommandAsync("lang ja");
        Assert.Contains("担当している（割り当てられた）項目に費やした時間を記録（メンテナーはどの項目にも）", TextOf(await CommandAsync("help")));
    }
}

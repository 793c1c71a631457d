using SpeBot.Tests.Support;

namespace SpeBot.Tests.GitHub;

public sealed class TrackTests : DiscoveryHost
{
    private async Task<long> ProposeAsync(string title)
    {
        await CommandTextAsync($"propose {title} impact:4");
        return Query<long>("SELECT MAX(number) FROM items").Single();
    }

    [Fact]
    public async Task TrackCreatesTheIssueThroughTheRestApiAndLinksItOnTheItemAndItsCard()
    {
        await CommandTextAsync("maintainers add <@U111>");
        await ProposeAsync("Replace the deprecated filters in B2");
        await WaitForPostAsync("C100", "Replace the deprecated filters");
        await SpeBotFactory.WaitUntilAsync(() => Query<long>("SELECT COUNT(*) FROM posted_messages").Single() > 0, what: "card recorded");

        var reply = await CommandTextAsync("track SPE-1 acme/web");
        Assert.Contains("Created https://github.com/acme/web/issues/42 for SPE-1", reply);

        var call = Assert.Single(GitHub.Calls);
        Assert.Equal("/api/v3/repos/acme/web/issues", call.Path);
        Assert.Equal($"Bearer {FakeGitHubApi.Token}", call.Authorization);
        Assert.Equal("application/vnd.github+json", call.Accept);
        Assert.Equal("2022-11-28", call.ApiVersion);
        Assert.StartsWith("SpeBot", call.UserAgent);
        Assert.Equal("SPE-1: Replace the deprecated filters in B2", call.Body!["title"]!.GetValue<string>());
        var body = call.Body["body"]!.GetValue<string>();
        Assert.Contains("SPE item SPE-1 · score 1.33 · 0 votes", body);
        Assert.Contains("closing this issue marks SPE-1 done", body);
        // The link back is the item's card in Slack.
        var card = Query<(string Channel, string Ts)>("SELECT channel_id, message_id FROM posted_messages WHERE kind = 'item_card'").Single();
        Assert.Contains($"https://example.slack.com/archives/{card.Channel}/p{card.Ts.Replace(".", "", StringComparison.Ordinal)}", body);

        Assert.Equal(("https://github.com/acme/web/issues/42", "github:issue:acme/web#42"),
            Query<(string, string)>("SELECT tracked_url, tracked_key FROM items").Single());
        await WaitForPostAsync("C100", "Tracked in GitHub", "chat.update");
        Assert.Contains(Slack.CallsTo("chat.update"), c => c.Text.Contains("https://github.com/acme/web/issues/42", StringComparison.Ordinal));

        // The webhook keeps the two in step.
        await DeliverAsync("issues", GitHubWebhook.Issue("closed", 42, "SPE-1: Replace the deprecated filters in B2"));
        Assert.Equal("done", Query<string>("SELECT status FROM items").Single());
        await DeliverAsync("issues", GitHubWebhook.Issue("reopened", 42, "SPE-1: Replace the deprecated filters in B2"));
        Assert.Equal("accepted", Query<string>("SELECT status FROM items").Single());

        Assert.Contains("already tracked", await CommandTextAsync("track SPE-1 acme/web"));
        Assert.Single(GitHub.Calls);
    }

    [Fact]
    public async Task AnApiErrorIsAnsweredClearlyAndChangesNothing()
    {
        await CommandTextAsync("maintainers add <@U111>");
        await ProposeAsync("Rotate the backup keys");

        var missing = await CommandTextAsync("track SPE-1 acme/nosuch");
        Assert.Contains("GitHub did not create the issue in acme/nosuch (404): Not Found", missing);
        GitHub.IssuesDisabled.Add("acme/web");
        var disabled = await CommandTextAsync("track SPE-1 acme/web");
        Assert.Contains("(410): Issues are disabled for this repo", disabled);
        Assert.Null(Query<string?>("SELECT tracked_url FROM items").Single());
    }

    [Fact]
    public async Task OnlyMaintainersOrTheClaimerMayTrackAndBadInputGetsTheUsage()
    {
        await CommandTextAsync("maintainers add <@U111>");
        await ProposeAsync("Rotate the backup keys");

        Assert.Contains("Only the person who claimed it", await CommandTextAsync("track SPE-1 acme/web", user: "U222"));
        await CommandTextAsync("claim SPE-1", user: "U222");
        Assert.Contains("Created", await CommandTextAsync("track SPE-1 acme/web", user: "U222"));

        Assert.Contains("/spe track SPE-n owner/repo", await CommandTextAsync("track SPE-1 not-a-repo"));
        Assert.Contains("SPE-9", await CommandTextAsync("track SPE-9 acme/web"));
    }
}

public sealed class TrackOffTests : SlackHost
{
    [Fact]
    public async Task WithoutAGitHubTokenTrackSaysItIsOffAndTheWebhookIsNotThere()
    {
        await CommandAsync("propose Something");
        Assert.Contains("Tracking in GitHub is off", TextOf(await CommandAsync("track SPE-1 acme/web")));
        var response = await SendAsync(GitHubWebhook.Request("ping", GitHubWebhook.Ping()));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
    }
}

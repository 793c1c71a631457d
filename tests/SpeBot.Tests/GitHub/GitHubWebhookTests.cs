using System.Net;
using System.Text.Json.Nodes;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.GitHub;

public sealed class GitHubWebhookTests : DiscoveryHost
{
    protected override Dictionary<string, string?> Settings => new() { ["Logging:LogLevel:SpeBot"] = "Information" };

    public sealed class Row
    {
        public long Number { get; init; }
        public string Title { get; init; } = "";
        public string Category { get; init; } = "";
        public string Status { get; init; } = "";
        public string? FoundBy { get; init; }
        public string? FindingKey { get; init; }
        public string? SourcePermalink { get; init; }
        public string? AuthorId { get; init; }
        public string? DoneBy { get; init; }
        public string? Evidence { get; init; }
        public string? FindingNote { get; init; }
    }

    private IReadOnlyList<Row> Items() => Query<Row>("SELECT * FROM items ORDER BY number");

    [Fact]
    public async Task PingIsAnsweredAndStoresNothing()
    {
        var response = await DeliverAsync("ping", GitHubWebhook.Ping());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("pong", await response.Content.ReadAsStringAsync());
        Assert.Empty(Items());
    }

    [Fact]
    public async Task MissingOrWrongSignatureIsRejectedWith401AndNothingStored()
    {
        var payload = GitHubWebhook.PullRequest("opened", 7, "Bump Npgsql from 8.0.5 to 10.0.3");
        var unsigned = await Client.SendAsync(GitHubWebhook.Request("pull_request", payload, "d-unsigned", sign: false));
        var wrongSecret = await Client.SendAsync(GitHubWebhook.Request("pull_request", payload, "d-wrong", secret: "not-the-secret"));
        // Signed over one body, sent with another: the signature covers the exact bytes.
        var tampered = GitHubWebhook.Request("pull_request", payload, "d-tampered");
        tampered.Content = new StringContent(GitHubWebhook.PullRequest("opened", 8, "Bump x from 1.0.0 to 2.0.0").ToJsonString());
        var swapped = await Client.SendAsync(tampered);

        Assert.All(new[] { unsigned, wrongSecret, swapped }, r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        Assert.Empty(Items());
        Assert.Empty(Query<string>("SELECT event_key FROM inbox WHERE platform = 'github'"));
        Assert.True(Logs.Has("GitHub webhook signature rejected"));
    }

    [Fact]
    public async Task MajorDependabotBumpBecomesALifecycleProposalWithItsCardAndMergedMakesItDone()
    {
        var opened = await DeliverAsync("pull_request", GitHubWebhook.PullRequest("opened", 12, "Bump Npgsql from 8.0.5 to 10.0.3"));
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        Assert.Contains("proposed", await opened.Content.ReadAsStringAsync());

        var item = Assert.Single(Items());
        Assert.Equal(("Bump Npgsql from 8.0.5 to 10.0.3", "lifecycle", "proposed", "dependabot"), (item.Title, item.Category, item.Status, item.FoundBy));
        Assert.Equal("https://github.com/acme/web/pull/12", item.SourcePermalink);
        Assert.Equal("github:pr:acme/web#12", item.FindingKey);
        // The card goes to the repository's channel through the outbox, with the source and its link.
        await WaitForPostAsync(Channel, "Found by Dependabot");
        Assert.Contains(Slack.CallsTo("chat.postMessage"), c => c.Text.Contains("https://github.com/acme/web/pull/12", StringComparison.Ordinal));

        await DeliverAsync("pull_request", GitHubWebhook.PullRequest("closed", 12, "Bump Npgsql from 8.0.5 to 10.0.3", merged: true, mergedBy: "octocat"));
        item = Assert.Single(Items());
        Assert.Equal(("done", "octocat", "https://github.com/acme/web/pull/12"), (item.Status, item.DoneBy, item.Evidence));
        await WaitForPostAsync(Channel, "Done by", "chat.update");
    }

    [Fact]
    public async Task RenovateMajorUpdateIsProposedAndClosedUnmergedIsShownOnTheItem()
    {
        await DeliverAsync("pull_request", GitHubWebhook.PullRequest("opened", 30, "Update dependency chart.js to v5", author: "renovate[bot]"));
        var item = Assert.Single(Items());
        Assert.Equal(("renovate", "proposed"), (item.FoundBy, item.Status));

        await DeliverAsync("pull_request", GitHubWebhook.PullRequest("closed", 30, "Update dependency chart.js to v5", author: "renovate[bot]"));
        item = Assert.Single(Items());
        Assert.Equal(("proposed", "pr_closed"), (item.Status, item.FindingNote));
        await WaitForPostAsync(Channel, "closed without merging", "chat.update");

        await DeliverAsync("pull_request", GitHubWebhook.PullRequest("reopened", 30, "Update dependency chart.js to v5", author: "renovate[bot]"));
        item = Assert.Single(Items());
        Assert.Null(item.FindingNote);
    }

    [Fact]
    public async Task MinorAndPatchBumpsAndPeoplesPullRequestsAreIgnored()
    {
        await DeliverAsync("pull_request", GitHubWebhook.PullRequest("opened", 1, "Bump Npgsql from 10.0.2 to 10.0.3"));
        await DeliverAsync("pull_request", GitHubWebhook.PullRequest("opened", 2, "Update dependency chart.js to v4.4.1", author: "renovate[bot]"));
        await DeliverAsync("pull_request", GitHubWebhook.PullRequest("opened", 3, "Bump react from 18.3.1 to 19.0.0", author: "octocat"));
        Assert.Empty(Items());
    }

    [Fact]
    public async Task LabeledIssueBecomesAnItemClosedMakesItDoneAndReopenedReopensIt()
    {
        await DeliverAsync("issues", GitHubWebhook.Issue("labeled", 5, "Remove the TODO in the billing exporter", label: "spe"));
        var item = Assert.Single(Items());
        Assert.Equal(("issues", "proposed", "https://github.com/acme/web/issues/5"), (item.FoundBy, item.Status, item.SourcePermalink));
        await WaitForPostAsync(Channel, "Remove the TODO");

        await DeliverAsync("issues", GitHubWebhook.Issue("closed", 5, "Remove the TODO in the billing exporter"));
        Assert.Equal("done", Assert.Single(Items()).Status);
        await DeliverAsync("issues", GitHubWebhook.Issue("reopened", 5, "Remove the TODO in the billing exporter"));
        Assert.Equal("accepted", Assert.Single(Items()).Status);

        // Another label, or the spe label again, never makes a second item.
        await DeliverAsync("issues", GitHubWebhook.Issue("labeled", 5, "Remove the TODO in the billing exporter", label: "spe"));
        await DeliverAsync("issues", GitHubWebhook.Issue("labeled", 6, "Something else", label: "bug"));
        Assert.Single(Items());
    }

    [Fact]
    public async Task ARedeliveredDeliveryIsAppliedOnce()
    {
        await DeliverAsync("issues", GitHubWebhook.Issue("labeled", 9, "Rotate the backup keys", label: "spe"), "delivery-1");
        await DeliverAsync("issues", GitHubWebhook.Issue("closed", 9, "Rotate the backup keys"), "delivery-2");
        await DeliverAsync("issues", GitHubWebhook.Issue("reopened", 9, "Rotate the backup keys"), "delivery-3");

        // GitHub's "Redeliver" of the close sends the same delivery id: it must not close the reopened issue's item again.
        var again = await DeliverAsync("issues", GitHubWebhook.Issue("closed", 9, "Rotate the backup keys"), "delivery-2");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("duplicate", await again.Content.ReadAsStringAsync());
        Assert.Equal("accepted", Assert.Single(Items()).Status);
        Assert.Equal(3, Query<long>("SELECT COUNT(*) FROM inbox WHERE platform = 'github'").Single());
    }

    [Fact]
    public async Task AnUnmappedRepositoryIsIgnoredWithALogLine()
    {
        var response = await DeliverAsync("pull_request", GitHubWebhook.PullRequest("opened", 4, "Bump Npgsql from 8.0.5 to 10.0.3", repo: "other/api"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("unmapped", await response.Content.ReadAsStringAsync());
        Assert.Empty(Items());
        Assert.True(Logs.Has("GitHub event for other/api ignored: the repository is not in GitHub:Repos"));
    }

    [Fact]
    public async Task OwnerWildcardRoutesToItsChannel()
    {
        await DeliverAsync("pull_request", GitHubWebhook.PullRequest("opened", 4, "Bump Npgsql from 8.0.5 to 10.0.3", repo: "acme/api"));
        Assert.Single(Items());
        await WaitForPostAsync("C300", "Bump Npgsql");
    }

    [Fact]
    public async Task AMutedSourceProposesNothingUntilUnmuted()
    {
        await CommandTextAsync("maintainers add <@U111>");
        Assert.Contains("Muted dependabot", await CommandTextAsync("mute dependabot"));
        Assert.Contains("Only maintainers", await CommandTextAsync("unmute dependabot", user: "U999"));
        Assert.Contains("is not a discovery source", await CommandTextAsync("mute nosuch"));
        Assert.Contains("dependabot", await CommandTextAsync("mute"));

        await DeliverAsync("pull_request", GitHubWebhook.PullRequest("opened", 20, "Bump Npgsql from 8.0.5 to 10.0.3"));
        await DeliverAsync("pull_request", GitHubWebhook.PullRequest("opened", 21, "Update dependency chart.js to v5", author: "renovate[bot]"));
        Assert.Equal(["renovate"], Items().Select(i => i.FoundBy));

        Assert.Contains("Unmuted dependabot", await CommandTextAsync("unmute dependabot"));
        await DeliverAsync("pull_request", GitHubWebhook.PullRequest("reopened", 20, "Bump Npgsql from 8.0.5 to 10.0.3"));
        Assert.Equal(["renovate", "dependabot"], Items().Select(i => i.FoundBy));
    }

    [Fact]
    public async Task AMalformedPayloadIsRefusedWith400()
    {
        var payload = new JsonObject { ["action"] = "opened", ["repository"] = new JsonObject { ["full_name"] = "acme/web" } };
        var response = await DeliverAsync("pull_request", payload);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(Items());
    }
}

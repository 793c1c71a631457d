using SpeBot.Tests.Support;

namespace SpeBot.Tests.GitHub;

/// <summary>A repository mapped to a Teams channel: the discovered item's card goes there through the Connector.</summary>
public sealed class GitHubToTeamsTests : TeamsHost
{
    protected override Dictionary<string, string?> Settings => new()
    {
        ["GitHub:WebhookSecret"] = GitHubWebhook.Secret,
        ["GitHub:Repos:0:Repo"] = "acme/web",
        ["GitHub:Repos:0:Platform"] = "teams",
        ["GitHub:Repos:0:Workspace"] = BotFrameworkIdentity.TenantId,
        ["GitHub:Repos:0:Channel"] = ActivityBuilder.Channel,
    };

    [Fact]
    public async Task DependabotMajorBumpIsCardedInTheMappedTeamsChannelWithItsSourceLink()
    {
        // SpeBot can only post where it has been spoken to (the conversation's serviceUrl comes with an activity).
        await CommandAsync("help", "1700000000701");

        var response = await Client.SendAsync(GitHubWebhook.Request("pull_request", GitHubWebhook.PullRequest("opened", 12, "Bump Npgsql from 8.0.5 to 10.0.3")));
        response.EnsureSuccessStatusCode();

        await SpeBotFactory.WaitUntilAsync(() => Bot.Calls.Any(c => c.Method == "POST" && c.Text.Contains("Found by Dependabot", StringComparison.Ordinal)),
            what: "Teams card with the source");
        var card = Bot.Calls.First(c => c.Method == "POST" && c.Text.Contains("Found by Dependabot", StringComparison.Ordinal));
        // A card starts a new thread in the channel (Create Conversation with the channel in channelData).
        Assert.EndsWith("/v3/conversations", card.Path);
        Assert.Contains(ActivityBuilder.Channel, card.Text);
        Assert.Contains("(https://github.com/acme/web/pull/12)", card.Text);
        Assert.Equal(("teams", "dependabot"), Query<(string, string)>("SELECT author_platform, found_by FROM items").Single());
    }
}

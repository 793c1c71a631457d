using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SpeBot.Core.Items;
using SpeBot.Core.Text;
using SpeBot.Core.Workspaces;

namespace SpeBot.Core.Discovery;

/// <summary>A pull request event, as the webhook edge read it.</summary>
public sealed record PullRequestSignal(string Repo, long Number, string Title, string Url, string Author, string Action, bool Merged, string? MergedBy);

/// <summary>An issue event, as the webhook edge read it; <see cref="Label"/> is the label just added (action labeled).</summary>
public sealed record IssueSignal(string Repo, long Number, string Title, string? Body, string Url, string Action, string? Label, string Sender);

/// <summary>What a webhook delivery did, for the log and the tests.</summary>
public enum SignalOutcome { Proposed, Updated, AlreadyKnown, Muted, Ignored, Unmapped }

/// <summary>
/// GitHub as a discovery source: major dependency bumps from Dependabot and Renovate, and issues with a configured
/// label, become proposals in the repository's mapped channel; later events move those items (and tracked ones).
/// </summary>
public sealed partial class GitHubDiscovery(IOptions<GitHubOptions> options, WorkspaceStore workspaces, Discoveries discoveries,
                                            MessageCatalog catalog, ILogger<GitHubDiscovery> log)
{
    public static readonly IReadOnlyDictionary<string, string> Bots = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["dependabot[bot]"] = Sources.Dependabot,
        ["renovate[bot]"] = Sources.Renovate,
    };

    public static string PullKey(string repo, long number) => $"github:pr:{repo.ToLowerInvariant()}#{number}";

    public static string IssueKey(string repo, long number) => $"github:issue:{repo.ToLowerInvariant()}#{number}";

    public async Task<SignalOutcome> PullRequestAsync(PullRequestSignal pr, CancellationToken ct)
    {
        if (await RouteAsync(pr.Repo, ct) is not { } route) return SignalOutcome.Unmapped;
        var (ws, channel, platform) = route;
        var key = PullKey(pr.Repo, pr.Number);
        switch (pr.Action)
        {
            case "opened" or "reopened":
                if (!Bots.TryGetValue(pr.Author, out var source)) return SignalOutcome.Ignored;
                if (DependencyBump.Parse(pr.Title) is not { } bump || (!bump.IsMajor && !options.Value.MinorBumps)) return SignalOutcome.Ignored;
                var detail = catalog.Format(workspaces.ChannelLocale(ws), new Message("discovery.pr.detail", new()
                {
                    ["bot"] = pr.Author, ["repo"] = pr.Repo, ["number"] = pr.Number, ["package"] = bump.Package, ["to"] = bump.To,
                }), PlainText.Instance);
                var item = new NewItem(ws.Id, Clip(pr.Title), platform.Wire(), pr.Author, "lifecycle",
                    Detail: detail, ChannelId: channel);
                var (outcome, _) = await discoveries.ProposeAsync(platform, item, new Finding(source, key, pr.Url), channel, ct);
                if (outcome == DiscoveryOutcome.AlreadyKnown && pr.Action == "reopened"
                    && await discoveries.NoteAsync(ws.Id, key, pr.Author, null, ct, action: "finding_pr_reopened")) return SignalOutcome.Updated;
                return Outcome(outcome);
            case "closed" when pr.Merged:
                return await discoveries.CompleteAsync(ws.Id, key, pr.MergedBy ?? pr.Author, pr.Url, ct) ? SignalOutcome.Updated : SignalOutcome.Ignored;
            case "closed":
                return await discoveries.NoteAsync(ws.Id, key, pr.Author, "pr_closed", ct) ? SignalOutcome.Updated : SignalOutcome.Ignored;
            default:
                return SignalOutcome.Ignored;
        }
    }

    public async Task<SignalOutcome> IssueAsync(IssueSignal issue, CancellationToken ct)
    {
        var key = IssueKey(issue.Repo, issue.Number);
        // An issue /spe track created keeps its item in step even when its repository is not mapped.
        if (issue.Action is "closed" or "reopened" && options.Value.Route(issue.Repo) is null)
        {
            var moved = issue.Action == "closed"
                ? await discoveries.CompleteAsync(null, key, issue.Sender, issue.Url, ct)
                : await discoveries.ReopenAsync(null, key, issue.Sender, ct);
            if (moved) return SignalOutcome.Updated;
        }
        if (await RouteAsync(issue.Repo, ct) is not { } route) return SignalOutcome.Unmapped;
        var (ws, channel, platform) = route;
        switch (issue.Action)
        {
            case "labeled":
                if (issue.Label is null || !options.Value.EffectiveLabels.TryGetValue(issue.Label, out var category)) return SignalOutcome.Ignored;
                var detail = catalog.Format(workspaces.ChannelLocale(ws), new Message("discovery.issue.detail", new()
                {
                    ["repo"] = issue.Repo, ["number"] = issue.Number, ["label"] = issue.Label,
                }), PlainText.Instance);
                var item = new NewItem(ws.Id, Clip(issue.Title), platform.Wire(), issue.Sender, category, Detail: detail, ChannelId: channel);
                return Outcome((await discoveries.ProposeAsync(platform, item, new Finding(Sources.Issues, key, issue.Url), channel, ct)).Outcome);
            case "closed":
                return await discoveries.CompleteAsync(ws.Id, key, issue.Sender, issue.Url, ct) ? SignalOutcome.Updated : SignalOutcome.Ignored;
            case "reopened":
                return await discoveries.ReopenAsync(ws.Id, key, issue.Sender, ct) ? SignalOutcome.Updated : SignalOutcome.Ignored;
            default:
                return SignalOutcome.Ignored;
        }
    }

    private async Task<(Workspace, string, Platform)?> RouteAsync(string repo, CancellationToken ct)
    {
        if (options.Value.Route(repo) is not { } route)
        {
            LogUnmapped(repo);
            return null;
        }
        var platform = PlatformNames.Parse(route.Platform);
        return (await workspaces.EnsureAsync(platform, route.Workspace, ct), route.Channel, platform);
    }

    private static SignalOutcome Outcome(DiscoveryOutcome o) => o switch
    {
        DiscoveryOutcome.Proposed => SignalOutcome.Proposed,
        DiscoveryOutcome.Muted => SignalOutcome.Muted,
        _ => SignalOutcome.AlreadyKnown,
    };

    /// <summary>Titles keep to what a proposal takes (GitHub allows 256 characters; SpeBot's cards are shorter).</summary>
    private static string Clip(string title) => title.Length <= Commands.ProposalText.MaxTitle ? title : title[..(Commands.ProposalText.MaxTitle - 1)] + "…";

    [LoggerMessage(Level = LogLevel.Information, Message = "GitHub event for {Repo} ignored: the repository is not in GitHub:Repos")]
    private partial void LogUnmapped(string repo);
}

using System.Text.Json;
using SpeBot.Core.Discovery;

namespace SpeBot.Host.GitHub;

/// <summary>
/// Reads the fields SpeBot uses from GitHub's webhook payloads
/// (https://docs.github.com/en/webhooks/webhook-events-and-payloads#pull_request and #issues).
/// A payload missing one of them is malformed (null → 400).
/// </summary>
internal static class GitHubPayloads
{
    public static PullRequestSignal? PullRequest(JsonElement root)
    {
        if (!root.TryGetProperty("pull_request", out var pr) || Repo(root) is not { } repo) return null;
        var action = Str(root, "action");
        var number = pr.TryGetProperty("number", out var n) && n.TryGetInt64(out var num) ? num : 0;
        var title = Str(pr, "title");
        var url = Str(pr, "html_url");
        var author = pr.TryGetProperty("user", out var user) ? Str(user, "login") : null;
        if (action is null || number <= 0 || title is null || url is null || author is null) return null;
        // "merged" is true on the closed action when the pull request was merged, false when closed without merging.
        var merged = pr.TryGetProperty("merged", out var m) && m.ValueKind == JsonValueKind.True;
        var mergedBy = pr.TryGetProperty("merged_by", out var mb) && mb.ValueKind == JsonValueKind.Object ? Str(mb, "login") : null;
        return new PullRequestSignal(repo, number, title, url, author, action, merged, mergedBy);
    }

    public static IssueSignal? Issue(JsonElement root)
    {
        if (!root.TryGetProperty("issue", out var issue) || Repo(root) is not { } repo) return null;
        var action = Str(root, "action");
        var number = issue.TryGetProperty("number", out var n) && n.TryGetInt64(out var num) ? num : 0;
        var title = Str(issue, "title");
        var url = Str(issue, "html_url");
        var sender = root.TryGetProperty("sender", out var s) ? Str(s, "login") : null;
        if (action is null || number <= 0 || title is null || url is null || sender is null) return null;
        // "label" is the label just added or removed, present on the labeled and unlabeled actions.
        var label = root.TryGetProperty("label", out var l) && l.ValueKind == JsonValueKind.Object ? Str(l, "name") : null;
        return new IssueSignal(repo, number, title, Str(issue, "body"), url, action, label, sender);
    }

    private static string? Repo(JsonElement root) =>
        root.TryGetProperty("repository", out var r) && r.ValueKind == JsonValueKind.Object ? Str(r, "full_name") : null;

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}

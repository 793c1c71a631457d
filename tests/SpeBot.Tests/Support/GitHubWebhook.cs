using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using SpeBot.Host.GitHub;

namespace SpeBot.Tests.Support;

/// <summary>
/// GitHub webhook deliveries as GitHub sends them: the event in X-GitHub-Event, a GUID in X-GitHub-Delivery, the body
/// signed in X-Hub-Signature-256, and payloads in the documented shapes
/// (https://docs.github.com/en/webhooks/webhook-events-and-payloads), trimmed of fields nobody reads.
/// </summary>
public static class GitHubWebhook
{
    public const string Secret = "github-webhook-secret";

    public static HttpRequestMessage Request(string @event, JsonObject payload, string? delivery = null, string? secret = Secret, bool sign = true)
    {
        var body = Encoding.UTF8.GetBytes(payload.ToJsonString());
        var request = new HttpRequestMessage(HttpMethod.Post, "/github/webhook") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-GitHub-Event", @event);
        request.Headers.Add("X-GitHub-Delivery", delivery ?? Guid.NewGuid().ToString());
        request.Headers.Add("X-GitHub-Hook-ID", "123456789");
        request.Headers.UserAgent.ParseAdd("GitHub-Hookshot/044aadd");
        if (sign) request.Headers.Add("X-Hub-Signature-256", GitHubSignature.Sign(secret!, body));
        return request;
    }

    public static JsonObject Ping(string repo = "acme/web") => new()
    {
        ["zen"] = "Keep it logically awesome.",
        ["hook_id"] = 123456789,
        ["hook"] = new JsonObject
        {
            ["type"] = "Repository", ["id"] = 123456789, ["name"] = "web", ["active"] = true,
            ["events"] = new JsonArray("issues", "pull_request"),
            ["config"] = new JsonObject { ["content_type"] = "json", ["insecure_ssl"] = "0", ["url"] = "https://spebot.example.com/github/webhook" },
        },
        ["repository"] = Repository(repo),
        ["sender"] = User("octocat"),
    };

    /// <summary>A pull_request event; closed carries merged true/false and merged_by when merged.</summary>
    public static JsonObject PullRequest(string action, int number, string title, string author = "dependabot[bot]", string repo = "acme/web",
                                         bool merged = false, string? mergedBy = null) => new()
    {
        ["action"] = action,
        ["number"] = number,
        ["pull_request"] = new JsonObject
        {
            ["url"] = $"https://api.github.com/repos/{repo}/pulls/{number}",
            ["id"] = 2_000_000_000 + number,
            ["node_id"] = "PR_kwDOAbc",
            ["html_url"] = $"https://github.com/{repo}/pull/{number}",
            ["diff_url"] = $"https://github.com/{repo}/pull/{number}.diff",
            ["number"] = number,
            ["state"] = action == "closed" ? "closed" : "open",
            ["locked"] = false,
            ["title"] = title,
            ["user"] = User(author),
            ["body"] = $"Bumps {title}.\n\n[![Dependabot compatibility score](https://dependabot-badges.githubapp.com/badges/compatibility_score)]",
            ["created_at"] = "2026-11-30T08:00:00Z",
            ["updated_at"] = "2026-11-30T08:00:00Z",
            ["closed_at"] = action == "closed" ? "2026-11-30T09:00:00Z" : null,
            ["merged_at"] = merged ? "2026-11-30T09:00:00Z" : null,
            ["merge_commit_sha"] = merged ? "9f1c0b7e2d4a" : null,
            ["labels"] = new JsonArray(new JsonObject { ["name"] = "dependencies", ["color"] = "0366d6" }),
            ["draft"] = false,
            ["head"] = new JsonObject { ["label"] = "acme:dependabot/nuget/Npgsql-10.0.3", ["ref"] = "dependabot/nuget/Npgsql-10.0.3", ["sha"] = "a1b2c3" },
            ["base"] = new JsonObject { ["label"] = "acme:main", ["ref"] = "main", ["sha"] = "d4e5f6" },
            ["author_association"] = "CONTRIBUTOR",
            ["merged"] = merged,
            ["mergeable"] = null,
            ["merged_by"] = mergedBy is null ? null : User(mergedBy),
            ["comments"] = 0,
            ["commits"] = 1,
            ["additions"] = 2,
            ["deletions"] = 2,
            ["changed_files"] = 1,
        },
        ["repository"] = Repository(repo),
        ["sender"] = User(action == "opened" ? author : mergedBy ?? "octocat"),
    };

    /// <summary>An issues event; labeled carries the label just added.</summary>
    public static JsonObject Issue(string action, int number, string title, string? label = null, string sender = "octocat", string repo = "acme/web")
    {
        var payload = new JsonObject
        {
            ["action"] = action,
            ["issue"] = new JsonObject
            {
                ["url"] = $"https://api.github.com/repos/{repo}/issues/{number}",
                ["html_url"] = $"https://github.com/{repo}/issues/{number}",
                ["id"] = 3_000_000_000 + number,
                ["number"] = number,
                ["title"] = title,
                ["user"] = User("octocat"),
                ["labels"] = label is null ? new JsonArray() : new JsonArray(new JsonObject { ["name"] = label, ["color"] = "ededed" }),
                ["state"] = action == "closed" ? "closed" : "open",
                ["state_reason"] = action switch { "closed" => "completed", "reopened" => "reopened", _ => null },
                ["locked"] = false,
                ["comments"] = 0,
                ["created_at"] = "2026-11-30T08:00:00Z",
                ["updated_at"] = "2026-11-30T08:00:00Z",
                ["closed_at"] = action == "closed" ? "2026-11-30T09:00:00Z" : null,
                ["author_association"] = "MEMBER",
                ["body"] = "The TODO in the billing exporter has outlived two releases.",
            },
            ["repository"] = Repository(repo),
            ["sender"] = User(sender),
        };
        if (label is not null) payload["label"] = new JsonObject { ["id"] = 42, ["name"] = label, ["color"] = "ededed", ["default"] = false };
        return payload;
    }

    private static JsonObject Repository(string fullName) => new()
    {
        ["id"] = 123456,
        ["node_id"] = "R_kgDOAbc",
        ["name"] = fullName.Split('/')[1],
        ["full_name"] = fullName,
        ["private"] = true,
        ["owner"] = User(fullName.Split('/')[0], "Organization"),
        ["html_url"] = $"https://github.com/{fullName}",
        ["default_branch"] = "main",
    };

    private static JsonObject User(string login, string? type = null) => new()
    {
        ["login"] = login,
        ["id"] = Math.Abs(login.GetHashCode(StringComparison.Ordinal)),
        ["html_url"] = $"https://github.com/{login.Replace("[bot]", "", StringComparison.Ordinal)}",
        ["type"] = type ?? (login.EndsWith("[bot]", StringComparison.Ordinal) ? "Bot" : "User"),
        ["site_admin"] = false,
    };
}

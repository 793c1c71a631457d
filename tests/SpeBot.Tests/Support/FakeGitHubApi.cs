using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SpeBot.Tests.Support;

/// <summary>One request SpeBot sent to the fake GitHub: method, path, headers that GitHub checks, JSON body.</summary>
public sealed record GitHubCall(string Method, string Path, string? Authorization, string? Accept, string? UserAgent, string? ApiVersion, JsonObject? Body);

/// <summary>
/// GitHub's "Create an issue" on loopback, as strict as GitHub on what SpeBot sends
/// (https://docs.github.com/en/rest/issues/issues#create-an-issue):
/// no User-Agent → 403 (https://docs.github.com/en/rest/using-the-rest-api/getting-started-with-the-rest-api#user-agent);
/// no or unknown bearer token → 401 "Bad credentials"; a repository it does not know → 404 "Not Found";
/// a repository with issues disabled → 410; no title → 422 "Validation Failed"; else 201 with the issue.
/// </summary>
public sealed class FakeGitHubApi : IAsyncDisposable
{
    public const string Token = "ghp_test_token";
    private readonly WebApplication _app;
    private long _number = 41;

    public ConcurrentQueue<GitHubCall> Calls { get; } = new();
    public HashSet<string> Repos { get; } = new(StringComparer.OrdinalIgnoreCase) { "acme/web" };
    public HashSet<string> IssuesDisabled { get; } = new(StringComparer.OrdinalIgnoreCase);
    public string BaseUrl { get; }

    private FakeGitHubApi(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public static async Task<FakeGitHubApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeGitHubApi? fake = null;
        app.MapPost("/api/v3/repos/{owner}/{repo}/issues", (HttpContext http, string owner, string repo) => fake!.CreateIssueAsync(http, $"{owner}/{repo}"));
        await app.StartAsync();
        // The GitHub Enterprise shape (https://HOST/api/v3/), which GitHub:ApiBaseUrl takes.
        fake = new FakeGitHubApi(app, app.Urls.First() + "/api/v3/");
        return fake;
    }

    private async Task<IResult> CreateIssueAsync(HttpContext http, string repo)
    {
        var h = http.Request.Headers;
        JsonObject? body = null;
        try
        {
            using var reader = new StreamReader(http.Request.Body);
            body = JsonNode.Parse(await reader.ReadToEndAsync())?.AsObject();
        }
        catch (System.Text.Json.JsonException)
        {
        }
        Calls.Enqueue(new GitHubCall("POST", http.Request.Path, h.Authorization.ToString(), h.Accept.ToString(), h.UserAgent.ToString(),
            h["X-GitHub-Api-Version"].ToString(), body));
        if (string.IsNullOrEmpty(h.UserAgent)) return Error(403, "Request forbidden by administrative rules. Please make sure your request has a User-Agent header");
        if (h.Authorization.ToString() != $"Bearer {Token}") return Error(401, "Bad credentials");
        if (!Repos.Contains(repo)) return Error(404, "Not Found");
        if (IssuesDisabled.Contains(repo)) return Error(410, "Issues are disabled for this repo");
        if (body?["title"] is not JsonValue title || title.GetValue<string>().Length == 0) return Error(422, "Validation Failed");
        var number = Interlocked.Increment(ref _number);
        return Results.Json(new JsonObject
        {
            ["id"] = 1_000_000 + number,
            ["number"] = number,
            ["url"] = $"https://api.github.com/repos/{repo}/issues/{number}",
            ["html_url"] = $"https://github.com/{repo}/issues/{number}",
            ["title"] = title.GetValue<string>(),
            ["body"] = body["body"]?.GetValue<string>(),
            ["state"] = "open",
        }, statusCode: 201);
    }

    private static IResult Error(int status, string message) =>
        Results.Json(new JsonObject { ["message"] = message, ["documentation_url"] = "https://docs.github.com/rest/issues/issues#create-an-issue", ["status"] = status.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            statusCode: status);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

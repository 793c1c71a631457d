using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using SpeBot.Core.Discovery;

namespace SpeBot.Host.GitHub;

/// <summary>
/// "Create an issue" on GitHub's REST API (https://docs.github.com/en/rest/issues/issues#create-an-issue):
/// POST {ApiBaseUrl}repos/{owner}/{repo}/issues with a bearer token, GitHub's media type, the API version header
/// and a User-Agent (requests without one are refused). 201 carries the issue; an error carries GitHub's message.
/// </summary>
internal sealed partial class GitHubIssuesClient(HttpClient http, IOptions<GitHubOptions> options, ILogger<GitHubIssuesClient> log) : IGitHubIssues
{
    public const string ApiVersion = "2022-11-28";

    public bool Enabled => !string.IsNullOrEmpty(options.Value.Token);

    public async Task<IssueCreated> CreateIssueAsync(string repo, string title, string body, CancellationToken ct = default)
    {
        var o = options.Value;
        var baseUrl = o.ApiBaseUrl.EndsWith('/') ? o.ApiBaseUrl : o.ApiBaseUrl + "/";
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(baseUrl), $"repos/{repo}/issues"))
        {
            Content = JsonContent.Create(new NewIssue(title, body)),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", o.Token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.github+json"));
        request.Headers.Add("X-GitHub-Api-Version", ApiVersion);
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("SpeBot", "1.0"));
        try
        {
            using var response = await http.SendAsync(request, ct);
            var status = (int)response.StatusCode;
            var text = await response.Content.ReadAsStringAsync(ct);
            if (response.IsSuccessStatusCode && TryRead(text, out var created)) return created with { Status = status };
            var message = ErrorMessage(text) ?? response.ReasonPhrase ?? "error";
            LogFailed(repo, status, message);
            return new IssueCreated(0, null, status, message);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            LogUnreachable(repo, e.GetType().Name);
            return new IssueCreated(0, null, 0, "GitHub could not be reached");
        }
    }

    private static bool TryRead(string text, out IssueCreated created)
    {
        created = null!;
        try
        {
            var issue = JsonSerializer.Deserialize<CreatedIssue>(text);
            if (issue is not { Number: > 0, HtmlUrl: not null }) return false;
            created = new IssueCreated(issue.Number, issue.HtmlUrl, 201, null);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string? ErrorMessage(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record NewIssue([property: JsonPropertyName("title")] string Title, [property: JsonPropertyName("body")] string Body);

    private sealed record CreatedIssue(
        [property: JsonPropertyName("number")] long Number,
        [property: JsonPropertyName("html_url")] string? HtmlUrl);

    [LoggerMessage(Level = LogLevel.Warning, Message = "GitHub refused to create an issue in {Repo}: {Status} {Message}")]
    private partial void LogFailed(string repo, int status, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "GitHub unreachable creating an issue in {Repo}: {Error}")]
    private partial void LogUnreachable(string repo, string error);
}

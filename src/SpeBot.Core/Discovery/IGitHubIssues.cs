namespace SpeBot.Core.Discovery;

/// <summary>GitHub's REST API as <c>/spe track</c> needs it; the host implements it over HTTP (GitHub:Token, GitHub:ApiBaseUrl).</summary>
public interface IGitHubIssues
{
    /// <summary>False when no token is configured: track is off.</summary>
    bool Enabled { get; }

    Task<IssueCreated> CreateIssueAsync(string repo, string title, string body, CancellationToken ct = default);
}

/// <summary>The created issue, or why GitHub refused (<see cref="Error"/> is GitHub's own message, shown to the person).</summary>
public sealed record IssueCreated(long Number, string? Url, int Status, string? Error)
{
    public bool Ok => Error is null && Url is not null;
}

/// <summary>No GitHub section: nothing is called.</summary>
internal sealed class NoGitHubIssues : IGitHubIssues
{
    public bool Enabled => false;

    public Task<IssueCreated> CreateIssueAsync(string repo, string title, string body, CancellationToken ct = default) =>
        Task.FromResult(new IssueCreated(0, null, 0, "off"));
}

using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using SpeBot.Core.Items;

namespace SpeBot.Core.Discovery;

/// <summary>
/// Section "GitHub": the webhook secret turns <c>POST /github/webhook</c> on, the token turns <c>/spe track</c> on, and
/// Repos says which repository's events go to which workspace and channel. Absent: GitHub discovery is off.
/// </summary>
public sealed class GitHubOptions : IValidatableObject
{
    public const string Section = "GitHub";

    public string? WebhookSecret { get; set; }
    public string? Token { get; set; }
    public string ApiBaseUrl { get; set; } = "https://api.github.com/";
    public List<RepoRoute> Repos { get; set; } = [];

    /// <summary>Issue label → SPE category; empty means the one label <c>spe</c> (category other).</summary>
    public Dictionary<string, string> Labels { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Minor and patch bumps from Dependabot and Renovate are proposed too (otherwise majors only).</summary>
    public bool MinorBumps { get; set; }

    [Range(1024, 26_214_400, ErrorMessage = "GitHub:MaxBodyBytes must be between {1} and {2}.")]
    public int MaxBodyBytes { get; set; } = 5 * 1024 * 1024;

    [Range(1, 120, ErrorMessage = "GitHub:HttpTimeoutSeconds must be between {1} and {2}.")]
    public int HttpTimeoutSeconds { get; set; } = 10;

    public IReadOnlyDictionary<string, string> EffectiveLabels =>
        Labels.Count > 0 ? Labels : new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["spe"] = Category.Other };

    /// <summary>The route of a repository: its exact entry first, else its owner's <c>owner/*</c> entry; null when unmapped.</summary>
    public RepoRoute? Route(string repo) =>
        Repos.FirstOrDefault(r => string.Equals(r.Repo, repo, StringComparison.OrdinalIgnoreCase))
        ?? Repos.FirstOrDefault(r => r.Repo.EndsWith("/*", StringComparison.Ordinal)
                                     && repo.StartsWith(r.Repo[..^1], StringComparison.OrdinalIgnoreCase) && !repo[(r.Repo.Length - 1)..].Contains('/'));

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < Repos.Count; i++)
        {
            var r = Repos[i];
            var at = $"GitHub:Repos:{i}";
            if (!RepoPattern.IsMatch(r.Repo ?? ""))
                yield return new ValidationResult($"{at}:Repo must be owner/repo or owner/* (got '{r.Repo}').");
            if (r.Platform is not ("slack" or "teams"))
                yield return new ValidationResult($"{at}:Platform must be slack or teams (got '{r.Platform}').");
            if (string.IsNullOrWhiteSpace(r.Workspace) || string.IsNullOrWhiteSpace(r.Channel))
                yield return new ValidationResult($"{at}:Workspace and {at}:Channel are required (team or tenant id, channel or conversation id).");
        }
        foreach (var (label, category) in Labels)
        {
            if (!Category.All.Contains(category))
                yield return new ValidationResult($"GitHub:Labels:{label} must be one of: {string.Join(", ", Category.All)} (got '{category}').");
        }
        if (!Uri.TryCreate(ApiBaseUrl, UriKind.Absolute, out var api) || api.Scheme is not ("https" or "http"))
            yield return new ValidationResult($"GitHub:ApiBaseUrl must be an absolute http(s) URL (got '{ApiBaseUrl}').");
    }

    private static readonly Regex RepoPattern = new(@"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/(?:\*|[A-Za-z0-9._-]{1,100})$");
}

/// <summary>One repository mapping: where its discovered items go.</summary>
public sealed class RepoRoute
{
    /// <summary>owner/repo, or owner/* for every repository of the owner.</summary>
    public string Repo { get; set; } = "";
    public string Platform { get; set; } = "slack";
    /// <summary>Slack team id or Teams tenant id.</summary>
    public string Workspace { get; set; } = "";
    /// <summary>Slack channel id or Teams conversation id.</summary>
    public string Channel { get; set; } = "";
}

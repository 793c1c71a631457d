namespace SpeBot.Core.Discovery;

/// <summary>What a discovery source noticed: which source, a key that stays the same every time it notices it again, a link.</summary>
public sealed record Finding(string Source, string Key, string? Url);

/// <summary>The discovery sources; each is a word maintainers can <c>/spe mute</c>, stored on the item as <c>found_by</c>.</summary>
public static class Sources
{
    public const string Dependabot = "dependabot";
    public const string Renovate = "renovate";
    public const string Issues = "issues";
    public const string Certs = "certs";
    public const string Tls = "tls";
    public const string Toil = "toil";

    public static readonly IReadOnlyList<string> All = [Dependabot, Renovate, Issues, Certs, Tls, Toil];
}

/// <summary>How a proposal from a source turned out.</summary>
public enum DiscoveryOutcome { Proposed, AlreadyKnown, Muted }

using System.ComponentModel.DataAnnotations;

namespace SpeBot.Host.Teams;

/// <summary>Section "Teams". Absent section: Teams is off. Present: either credentials, or explicit local anonymous mode.</summary>
public sealed class TeamsOptions : IValidatableObject
{
    public const string Section = "Teams";
    public const string BotFrameworkMetadata = "https://login.botframework.com/v1/.well-known/openidconfiguration";

    /// <summary>The bot's Microsoft App ID (a GUID): the inbound token audience and the outbound client id.</summary>
    public string AppId { get; set; } = "";

    /// <summary>Client secret; set it through the environment (Teams__AppPassword), never in a file.</summary>
    public string AppPassword { get; set; } = "";

    /// <summary>Entra tenant of a SingleTenant bot (the MSAL authority); "botframework.com" only for legacy MultiTenant bots.</summary>
    public string TenantId { get; set; } = "";

    /// <summary>SingleTenant (default; new bots) or MultiTenant (legacy).</summary>
    public string AppType { get; set; } = "SingleTenant";

    /// <summary>Bot Framework OpenID metadata; tests point it at a loopback fake.</summary>
    public string OpenIdMetadataUrl { get; set; } = BotFrameworkMetadata;

    /// <summary>Identity platform host for outbound tokens.</summary>
    public string AuthorityHost { get; set; } = "https://login.microsoftonline.com";

    /// <summary>Connector hosts SpeBot answers and sends tokens to (https host, or host/path prefix).</summary>
    public string[] AllowedServiceUrls { get; set; } =
        ["https://smba.trafficmanager.net/", "https://smba.infra.gcc.teams.microsoft.com/", "https://smba.infra.gov.teams.microsoft.us/"];

    /// <summary>Optional: only these tenants may talk to the bot. Empty: any tenant.</summary>
    public string[] AllowedTenants { get; set; } = [];

    /// <summary>Reaction types on an item card that count as a vote (Teams reaction ids are opaque strings).</summary>
    public string[] VoteReactions { get; set; } = ["like"];

    /// <summary>Local development only: accept requests without a token. Never together with AppId/AppPassword.</summary>
    public bool AllowUnauthenticated { get; set; }

    [Range(1_024, 4_194_304, ErrorMessage = "Teams:MaxBodyBytes must be between {1} and {2}.")]
    public int MaxBodyBytes { get; set; } = 262_144;

    /// <summary>Teams waits 5 s for message-extension invokes, then retries; answer well before.</summary>
    [Range(500, 4_800, ErrorMessage = "Teams:InvokeBudgetMs must be between {1} and {2} milliseconds (Teams waits 5000).")]
    public int InvokeBudgetMs { get; set; } = 4_000;

    [Range(1, 120, ErrorMessage = "Teams:HttpTimeoutSeconds must be between {1} and {2}.")]
    public int HttpTimeoutSeconds { get; set; } = 15;

    public bool MultiTenant => string.Equals(AppType, "MultiTenant", StringComparison.OrdinalIgnoreCase);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (AllowUnauthenticated)
        {
            if (AppId.Length > 0 || AppPassword.Length > 0)
                yield return new ValidationResult("Teams:AllowUnauthenticated cannot be combined with Teams:AppId or Teams:AppPassword; remove one.", [nameof(AllowUnauthenticated)]);
            yield break;
        }
        if (!Guid.TryParse(AppId, out _))
            yield return new ValidationResult("Teams:AppId must be the bot's Microsoft App ID (a GUID) when the Teams section is present. Remove the Teams section to run without Teams.", [nameof(AppId)]);
        if (string.IsNullOrWhiteSpace(AppPassword))
            yield return new ValidationResult("Teams:AppPassword is required (set it with the environment variable Teams__AppPassword).", [nameof(AppPassword)]);
        if (!MultiTenant && !Guid.TryParse(TenantId, out _))
            yield return new ValidationResult("Teams:TenantId must be the Entra tenant id (a GUID) of a SingleTenant bot, or set Teams:AppType to MultiTenant.", [nameof(TenantId)]);
        if (!string.Equals(AppType, "SingleTenant", StringComparison.OrdinalIgnoreCase) && !MultiTenant)
            yield return new ValidationResult($"Teams:AppType must be SingleTenant or MultiTenant (got '{AppType}').", [nameof(AppType)]);
        if (!Uri.TryCreate(OpenIdMetadataUrl, UriKind.Absolute, out var metadata) || (metadata.Scheme != Uri.UriSchemeHttps && !metadata.IsLoopback))
            yield return new ValidationResult($"Teams:OpenIdMetadataUrl must be an absolute https URL (loopback http allowed for tests); got '{OpenIdMetadataUrl}'.", [nameof(OpenIdMetadataUrl)]);
        // MSAL refuses any authority that is not https, loopback included, so anything else would fail every send later.
        if (!Uri.TryCreate(AuthorityHost, UriKind.Absolute, out var authority) || authority.Scheme != Uri.UriSchemeHttps)
            yield return new ValidationResult($"Teams:AuthorityHost must be an absolute https URL (Entra refuses any other); got '{AuthorityHost}'.", [nameof(AuthorityHost)]);
        if (AllowedServiceUrls.Length == 0 || AllowedServiceUrls.Any(u => !Uri.TryCreate(u, UriKind.Absolute, out var s) || (s.Scheme != Uri.UriSchemeHttps && !s.IsLoopback)))
            yield return new ValidationResult("Teams:AllowedServiceUrls must list absolute https URLs (loopback http allowed for tests).", [nameof(AllowedServiceUrls)]);
        if (VoteReactions.Length == 0 || VoteReactions.Any(string.IsNullOrWhiteSpace))
            yield return new ValidationResult("Teams:VoteReactions must list at least one reaction type, e.g. [\"like\"].", [nameof(VoteReactions)]);
    }
}

using System.ComponentModel.DataAnnotations;

namespace SpeBot.Host.Slack;

/// <summary>
/// Section "Slack". Absent section: Slack is off. Present: the bot token is required, and the signing secret (HTTP
/// transport) or the app-level token (Socket Mode), or both.
/// </summary>
public sealed class SlackOptions : IValidatableObject
{
    public const string Section = "Slack";

    /// <summary>App settings → Basic Information → Signing Secret. Verifies every HTTP request; empty refuses them all.</summary>
    public string SigningSecret { get; set; } = "";

    /// <summary>
    /// Basic Information → App-Level Tokens (xapp-…, scope connections:write). Set: SpeBot takes Slack's payloads over
    /// a Socket Mode WebSocket it opens itself, so no public URL is needed.
    /// </summary>
    public string AppToken { get; set; } = "";

    /// <summary>Socket Mode keep-alive: a ping this often; no pong within as long again means the socket is dead.</summary>
    [Range(100, 60_000, ErrorMessage = "Slack:SocketPingMs must be between {1} and {2} milliseconds.")]
    public int SocketPingMs { get; set; } = 5_000;

    public bool SocketMode => AppToken.Length > 0;

    /// <summary>OAuth &amp; Permissions → Bot User OAuth Token (xoxb-…).</summary>
    public string BotToken { get; set; } = "";

    /// <summary>Web API base; tests point it at a loopback fake.</summary>
    public string ApiBaseUrl { get; set; } = "https://slack.com/api/";

    /// <summary>The bot's own user id; looked up with auth.test when empty.</summary>
    public string? BotUserId { get; set; }

    /// <summary>Slack gives up after 3 s; the ack goes out at this budget even if the handler is still working.</summary>
    [Range(200, 2900, ErrorMessage = "Slack:AckBudgetMs must be between {1} and {2} milliseconds (Slack waits 3000).")]
    public int AckBudgetMs { get; set; } = 2_500;

    [Range(1_024, 4_194_304, ErrorMessage = "Slack:MaxBodyBytes must be between {1} and {2}.")]
    public int MaxBodyBytes { get; set; } = 1_048_576;

    [Range(1, 120, ErrorMessage = "Slack:HttpTimeoutSeconds must be between {1} and {2}.")]
    public int HttpTimeoutSeconds { get; set; } = 10;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(SigningSecret) && string.IsNullOrWhiteSpace(AppToken))
            yield return new ValidationResult("Slack:SigningSecret (HTTP: App settings → Basic Information → Signing Secret) or Slack:AppToken (Socket Mode: an app-level token 'xapp-…' with connections:write) is required when the Slack section is present. Remove the Slack section to run without Slack.", [nameof(SigningSecret), nameof(AppToken)]);
        if (AppToken.Length > 0 && !AppToken.StartsWith("xapp-", StringComparison.Ordinal))
            yield return new ValidationResult("Slack:AppToken must be an app-level token starting with 'xapp-' (Basic Information → App-Level Tokens, scope connections:write); a bot token (xoxb-) cannot open a socket.", [nameof(AppToken)]);
        if (!BotToken.StartsWith("xoxb-", StringComparison.Ordinal))
            yield return new ValidationResult("Slack:BotToken must be the bot token starting with 'xoxb-' (OAuth & Permissions → Bot User OAuth Token).", [nameof(BotToken)]);
        if (!Uri.TryCreate(ApiBaseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && !uri.IsLoopback))
            yield return new ValidationResult($"Slack:ApiBaseUrl must be an absolute https URL (loopback http allowed for tests); got '{ApiBaseUrl}'.", [nameof(ApiBaseUrl)]);
    }
}

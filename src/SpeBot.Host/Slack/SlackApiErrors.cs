namespace SpeBot.Host.Slack;

/// <summary>Slack answered <c>ok:false</c>; <see cref="Error"/> is Slack's code (e.g. channel_not_found).</summary>
public sealed class SlackApiException(string method, string error)
    : Exception($"Slack {method} failed: {error}")
{
    public string Method { get; } = method;
    public string Error { get; } = error;

    // Slack's own "try again later" codes (slack-platform.md, Web API basics). A rate limit normally comes as HTTP 429 with
    // Retry-After, but some methods answer ok:false "ratelimited"/"rate_limited" instead.
    private static readonly HashSet<string> TransientCodes =
        ["internal_error", "fatal_error", "service_unavailable", "request_timeout", "team_added_to_org", "ratelimited", "rate_limited"];

    /// <summary>
    /// Errors worth retrying later; the rest (channel_not_found, not_in_channel, is_archived, invalid_blocks, msg_too_long,
    /// invalid_arguments, invalid_auth, not_authed, token_revoked, account_inactive, missing_scope, …) fail the same way
    /// again, so the outbox dead-letters them at once with the code as the reason.
    /// </summary>
    public bool IsTransient => TransientCodes.Contains(Error);
}

/// <summary>HTTP 429 (or a method paused by an earlier 429): wait <see cref="RetryAfter"/>.</summary>
public sealed class SlackRateLimitedException(string method, TimeSpan retryAfter)
    : Exception($"Slack {method} rate limited for {retryAfter.TotalSeconds:0} s")
{
    public string Method { get; } = method;
    public TimeSpan RetryAfter { get; } = retryAfter;
}

/// <summary>5xx, timeout or network failure after the client's own retries.</summary>
public sealed class SlackTransportException(string method, string detail, Exception? inner = null)
    : Exception($"Slack {method} unreachable: {detail}", inner)
{
    public string Method { get; } = method;
}

namespace SpeBot.Host.Health;

/// <summary>Which platforms this instance serves; set once at start-up from the configuration sections present.</summary>
public sealed class PlatformStatus
{
    public bool Slack { get; set; }

    /// <summary>How Slack reaches this instance: "http" (the request URL) or "socket" (Socket Mode); null when Slack is off.</summary>
    public string? SlackTransport { get; set; }
    public bool Teams { get; set; }
}

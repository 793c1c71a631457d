namespace SpeBot.Host.Health;

/// <summary>Which platforms this instance serves; set once at start-up from the configuration sections present.</summary>
public sealed class PlatformStatus
{
    public bool Slack { get; set; }
    public bool Teams { get; set; }
}

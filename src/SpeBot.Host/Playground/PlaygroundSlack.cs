namespace SpeBot.Host.Playground;

public sealed partial class PlaygroundSlack
{
    /// <summary>The playground's own workspace: never a real Slack team id (those start with T and are uppercase alphanumerics).</summary>
    public const string TeamId = "T0PLAYGROUND";
}

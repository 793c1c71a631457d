namespace SpeBot.Core;

public enum Platform { Slack, Teams }

public static class PlatformNames
{
    public static string Wire(this Platform p) => p == Platform.Slack ? "slack" : "teams";

    public static Platform Parse(string s) => s == "teams" ? Platform.Teams : Platform.Slack;
}

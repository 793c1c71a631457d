using SpeBot.Core.Workspaces;

namespace SpeBot.Host.Dashboard;

/// <summary>Links from an item's page back to its card in Slack, Teams or the local playground.</summary>
public static class ChatLinks
{
    public static string Message(Workspace w, string platform, string channel, string messageId)
    {
        if (w.ExternalId == Playground.PlaygroundSlack.TeamId) return $"/playground#m-{Uri.EscapeDataString(messageId)}";
        if (platform == "teams")
            return $"https://teams.microsoft.com/l/message/{Uri.EscapeDataString(channel)}/{Uri.EscapeDataString(messageId)}";
        // Slack's archive URL redirects to the message in the reader's workspace: /archives/<channel>/p<ts without the dot>.
        return $"https://slack.com/archives/{Uri.EscapeDataString(channel)}/p{messageId.Replace(".", "", StringComparison.Ordinal)}";
    }
}

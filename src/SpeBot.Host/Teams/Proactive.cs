using System.Text.Json.Nodes;

namespace SpeBot.Host.Teams;

/// <summary>Posting without being asked: the one place that knows a channel post is a new thread and a chat post is not.</summary>
public static class Proactive
{
    /// <summary>
    /// In a channel the activity starts its own thread (create conversation), because a plain send to the channel id
    /// is refused; in chats it is a plain send. Returns the id to update the message by later.
    /// </summary>
    public static async Task<string?> PostAsync(this BotConnectorClient connector, ConversationReference reference, string appId,
                                                JsonObject activity, CancellationToken ct)
    {
        if (!reference.IsChannel) return await connector.SendAsync(reference.ServiceUrl, reference.ConversationId, activity, ct);
        var created = await connector.CreateConversationAsync(reference.ServiceUrl, new JsonObject
        {
            ["isGroup"] = true,
            ["bot"] = new JsonObject { ["id"] = reference.BotId ?? $"28:{appId}" },
            ["tenantId"] = reference.TenantId,
            ["channelData"] = new JsonObject
            {
                ["channel"] = new JsonObject { ["id"] = reference.ConversationId },
                ["tenant"] = new JsonObject { ["id"] = reference.TenantId },
            },
            ["activity"] = activity,
        }, ct);
        return created.ActivityId ?? ThreadRoot(created.Id);
    }

    /// <summary>"19:…@thread.tacv2;messageid=123" → "123", the thread's first message.</summary>
    private static string? ThreadRoot(string conversationId)
    {
        var at = conversationId.IndexOf(";messageid=", StringComparison.OrdinalIgnoreCase);
        return at < 0 ? null : conversationId[(at + ";messageid=".Length)..];
    }
}

using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace SpeBot.Host.Teams;

/// <summary>
/// 1:1 chats SpeBot starts itself, for notices addressed to a person (claim expired, nudges). Teams has no "DM a user id"
/// call: the bot creates the conversation with that member, through the serviceUrl and tenant of any conversation it
/// already knows in the workspace, and then remembers it under the user id.
/// </summary>
public sealed class DirectChats(BotConnectorClient connector, ConversationReferences references, IOptions<TeamsOptions> options)
{
    /// <summary>The 1:1 chat with <paramref name="userId"/>, or null when SpeBot knows no conversation in the workspace yet.</summary>
    public async Task<ConversationReference?> OpenAsync(long workspaceId, string userId, CancellationToken ct)
    {
        var known = await references.AnyAsync(workspaceId, ct);
        if (known is null) return null;
        var created = await connector.CreateConversationAsync(known.ServiceUrl, new JsonObject
        {
            ["isGroup"] = false,
            ["bot"] = new JsonObject { ["id"] = known.BotId ?? $"28:{options.Value.AppId}" },
            // A 29: id or an Entra object id; Teams answers 403/404 when SpeBot is not installed for that person.
            ["members"] = new JsonArray(new JsonObject { ["id"] = userId }),
            ["tenantId"] = known.TenantId,
            ["channelData"] = new JsonObject { ["tenant"] = new JsonObject { ["id"] = known.TenantId } },
        }, ct);
        var chat = new ConversationReference(created.Id, known.ServiceUrl, "personal", known.TenantId, known.BotId, null, null, null);
        await references.SaveForUserAsync(workspaceId, userId, chat, ct);
        return chat;
    }
}

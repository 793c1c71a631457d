using System.Text.Json;
using Dapper;
using SpeBot.Core.Storage;

namespace SpeBot.Host.Teams;

/// <summary>What SpeBot needs to post into a conversation later without being asked (teams-platform.md §6).</summary>
public sealed record ConversationReference(
    string ConversationId, string ServiceUrl, string? ConversationType, string? TenantId, string? BotId, string? TeamId,
    string? ChannelId, string? Locale)
{
    /// <summary>Channels get a new thread per card (create conversation); chats get a plain send.</summary>
    public bool IsChannel => ConversationType == "channel";
}

/// <summary>
/// The conversation_refs table. Written only from activities whose token passed every check, so a stored
/// serviceUrl is one the Bot Connector itself vouched for.
/// </summary>
public sealed class ConversationReferences(Database db, TimeProvider clock)
{
    public Task SaveAsync(long workspaceId, ConversationReference reference, CancellationToken ct = default) =>
        SaveAsync(reference.ConversationId, workspaceId, reference, ct);

    /// <summary>The 1:1 chat SpeBot opened with a person, stored under their user id so the next DM to them reuses it.</summary>
    public Task SaveForUserAsync(long workspaceId, string userId, ConversationReference reference, CancellationToken ct = default) =>
        SaveAsync(userId, workspaceId, reference, ct);

    private Task SaveAsync(string key, long workspaceId, ConversationReference reference, CancellationToken ct) =>
        db.WriteAsync((c, tx) => c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO conversation_refs (platform, conversation_id, workspace_id, service_url, reference, updated_at)
            VALUES ('teams', @key, @workspaceId, @ServiceUrl, @json, @now)
            ON CONFLICT (platform, conversation_id) DO UPDATE SET
              service_url = excluded.service_url, reference = excluded.reference, updated_at = excluded.updated_at
            WHERE conversation_refs.workspace_id = excluded.workspace_id
            """, new { key, workspaceId, reference.ServiceUrl, json = JsonSerializer.Serialize(reference, BotJson.Options),
                       now = Iso.Of(clock.GetUtcNow()) }, tx, cancellationToken: ct)), ct);

    public async Task<ConversationReference?> FindAsync(long workspaceId, string conversationId, CancellationToken ct = default)
    {
        var json = await db.ReadAsync(c => c.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT reference FROM conversation_refs WHERE platform = 'teams' AND conversation_id = @id AND workspace_id = @workspaceId",
            new { id = ServiceUrls.BaseConversation(conversationId), workspaceId }, cancellationToken: ct)), ct);
        return json is null ? null : JsonSerializer.Deserialize<ConversationReference>(json, BotJson.Options);
    }

    /// <summary>The most recently refreshed reference in a workspace (one tenant): its serviceUrl and tenant can open a 1:1 chat.</summary>
    public async Task<ConversationReference?> AnyAsync(long workspaceId, CancellationToken ct = default)
    {
        var json = await db.ReadAsync(c => c.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT reference FROM conversation_refs WHERE platform = 'teams' AND workspace_id = @workspaceId ORDER BY updated_at DESC LIMIT 1",
            new { workspaceId }, cancellationToken: ct)), ct);
        return json is null ? null : JsonSerializer.Deserialize<ConversationReference>(json, BotJson.Options);
    }

    /// <summary>The reference of a validated activity, keyed by the conversation without its thread suffix.</summary>
    public static ConversationReference? Of(Activity a)
    {
        if (a.Conversation?.Id is not { Length: > 0 } id || a.ServiceUrl is null) return null;
        var type = a.Conversation.ConversationType ?? (a.Conversation.IsGroup == true ? "groupChat" : "personal");
        return new ConversationReference(ServiceUrls.BaseConversation(id), a.ServiceUrl, type, a.TenantId, a.Recipient?.Id,
            a.Data("team", "id"), a.Data("channel", "id"), a.Locale);
    }
}

using System.Data.Common;
using SpeBot.Core;
using SpeBot.Core.Outbox;
using SpeBot.Core.Storage;
using SpeBot.Core.Workspaces;

namespace SpeBot.Host.Teams;

/// <summary>
/// The greeting when SpeBot is installed in a personal chat, a group chat or a team: what it does and the first three
/// commands, once per conversation. Microsoft's guidance: a bot introduces itself when added (conversationUpdate with the
/// bot in membersAdded, or installationUpdate "add"), and in a team posts to the channel rather than messaging every member
/// (learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/subscribe-to-conversation-events;
/// …/bots/design/bots "welcome message").
/// </summary>
public sealed class TeamsWelcome(Database db, Notices notices, WorkspaceStore workspaces, OutboxSignal signal, TimeProvider clock)
{
    public const string Key = "teams.welcome";

    /// <summary>True for the two install events; an upgrade (add-upgrade) or another member joining is not an install.</summary>
    public static bool IsInstall(Activity a) => a.Type switch
    {
        "installationUpdate" => a.Action == "add",
        "conversationUpdate" => a.Recipient?.Id is { } bot && (a.MembersAdded ?? []).Any(m => m.Id == bot),
        _ => false,
    };

    public async Task GreetAsync(Activity a, Workspace workspace, CancellationToken ct)
    {
        if (a.Conversation?.Id is not { Length: > 0 } id || a.From?.PersonId is not { } user) return;
        var conversation = ServiceUrls.BaseConversation(id);
        // A personal chat is one person's: their language; a team or group chat reads in the workspace's.
        var locale = a.Conversation.ConversationType == "personal"
            ? await workspaces.LocaleForAsync(workspace, user, a.Locale, ct)
            : workspaces.ChannelLocale(workspace, a.Locale);
        var queued = await db.WriteAsync(async (c, tx) =>
        {
            if (!await FirstAsync(c, tx, workspace.Id, conversation, ct)) return false;
            await notices.EnqueueAsync(c, tx, Platform.Teams, workspace.Id, conversation, user, new Message(Key),
                $"welcome:teams:{conversation}", ephemeral: false, ct, locale);
            return true;
        }, ct);
        if (queued) signal.Notify();
    }

    private async Task<bool> FirstAsync(DbConnection c, DbTransaction tx, long workspaceId, string conversation, CancellationToken ct) =>
        await c.ScalarAsync(tx, """
            INSERT INTO welcomes (platform, conversation_id, workspace_id, welcomed_at) VALUES ('teams', @conversation, @workspaceId, @now)
            ON CONFLICT (platform, conversation_id) DO NOTHING
            RETURNING 1
            """, ct, ("@conversation", conversation), ("@workspaceId", workspaceId), ("@now", Iso.Of(clock.GetUtcNow()))) is not null;
}

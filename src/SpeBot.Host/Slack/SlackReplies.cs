using System.Text.Json.Nodes;
using SpeBot.Core;
using SpeBot.Core.Outbox;
using SpeBot.Core.Storage;
using SpeBot.Core.Workspaces;

namespace SpeBot.Host.Slack;

/// <summary>Answers that leave after the ack go through the outbox like every other post.</summary>
public sealed class SlackReplies(Database db, OutboxStore outbox, OutboxSignal signal, WorkspaceStore workspaces)
{
    /// <summary>A rendered reply to one person: to the response_url when there is one, else ephemeral in the channel.</summary>
    public async Task EnqueueAsync(string teamId, string channelId, string userId, string? responseUrl, JsonObject payload, CancellationToken ct)
    {
        var workspace = await workspaces.EnsureAsync(Platform.Slack, teamId, ct);
        await EnqueueAsync(workspace.Id, channelId, new OutboundBody
        {
            UserId = userId, ResponseUrl = responseUrl, Payload = payload.ToJsonString(SlackJson.Options), Ephemeral = true,
        }, OutboxKinds.Reply, $"reply:{Guid.NewGuid():N}", ct);
    }

    /// <summary>A rendered reply posted in the person's DM (chat.postMessage to their user id or their DM channel).</summary>
    public async Task DirectAsync(string teamId, string channelOrUserId, JsonObject payload, CancellationToken ct)
    {
        var workspace = await workspaces.EnsureAsync(Platform.Slack, teamId, ct);
        await EnqueueAsync(workspace.Id, channelOrUserId, new OutboundBody { Payload = payload.ToJsonString(SlackJson.Options) },
            OutboxKinds.Reply, $"reply:{Guid.NewGuid():N}", ct);
    }

    /// <summary>A catalog notice to one person, rendered at send time in their locale.</summary>
    public Task NoticeAsync(long workspaceId, string channelId, string userId, string locale, Message message, CancellationToken ct) =>
        EnqueueAsync(workspaceId, channelId, Notices.Body(message, userId, locale, ephemeral: true), OutboxKinds.Notice, $"notice:{Guid.NewGuid():N}", ct);

    private async Task EnqueueAsync(long workspaceId, string channelId, OutboundBody body, string kind, string key, CancellationToken ct)
    {
        await db.WriteAsync(async (c, tx) =>
        {
            await outbox.EnqueueAsync(c, tx, new OutboundMessage(Platform.Slack, workspaceId, channelId, kind, body, key), ct);
            return 0;
        }, ct);
        signal.Notify();
    }
}

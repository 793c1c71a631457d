using System.Text.Json;
using Microsoft.Data.Sqlite;
using SpeBot.Core;
using SpeBot.Core.Commands;
using SpeBot.Core.Events;
using SpeBot.Core.Items;
using SpeBot.Core.Outbox;
using SpeBot.Core.Storage;
using SpeBot.Core.Workspaces;

namespace SpeBot.Host.Slack;

/// <summary>
/// Events API: each event is applied once (by event_id in the inbox; reactions by their semantic key, the newest event_ts
/// per message, person and emoji),
/// in the same transaction as its effect; 200 once durable, 503 when the write fails so Slack retries.
/// </summary>
public sealed partial class SlackEvents(
    Votes votes, Lifecycle lifecycle, ItemStore items, WorkspaceStore workspaces, SlackIdentity identity, Database db, Inbox inbox, OutboxStore outbox, OutboxSignal signal,
    CommandRouter router, SlackRenderer renderer, SlackReplies replies, AckBudget budget, LateWork late,
    Microsoft.Extensions.Options.IOptions<SlackOptions> slack, ILogger<SlackEvents> log)
{
    public async Task<IResult> HandleAsync(byte[] body, CancellationToken ct)
    {
        var envelope = JsonSerializer.Deserialize<EventEnvelope>(body, SlackJson.Options);
        switch (envelope?.Type)
        {
            case "url_verification":
                return Results.Json(new { challenge = envelope.Challenge });
            case "app_rate_limited":
                LogRateLimited(envelope.TeamId);
                return Results.Ok();
            case "event_callback" when envelope.Event is not null && envelope.TeamId is not null && envelope.EventId is not null:
                try
                {
                    await ApplyAsync(envelope, envelope.Event, ct);
                    return Results.Ok();
                }
                catch (SqliteException e)
                {
                    LogStoreFailed(e, envelope.EventId);
                    return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
                }
            case null:
                return Results.BadRequest();
            default:
                return Results.Ok();
        }
    }

    private async Task ApplyAsync(EventEnvelope envelope, SlackEvent ev, CancellationToken ct)
    {
        if (ev.BotId is not null || (ev.User is not null && ev.User == await identity.BotUserIdAsync(ct))) return;
        var workspace = await workspaces.EnsureAsync(Platform.Slack, envelope.TeamId!, ct);

        switch (ev.Type)
        {
            case "reaction_added" or "reaction_removed" when ev.Item is { Type: "message", Channel: not null, Ts: not null }
                                                             && ev.User is not null && ev.Reaction is not null:
                // No inbox row: a retry carries the same event_ts, which reaction_states already holds, so it is stale there.
                // Every emoji in every channel the bot is in arrives here, and an inbox key is one more random index write each.
                var result = await votes.ApplyReactionAsync(new ReactionChange(Platform.Slack, workspace.Id, ev.Item.Channel, ev.Item.Ts,
                    ev.User, ev.Reaction, ev.Type == "reaction_added", ev.EventTs ?? envelope.EventTime.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    EventKey: null), ct);
                LogReaction(ev.Type, result.Outcome);
                if (result is { Outcome: ReactionOutcome.ClaimRequested, ItemId: { } itemId } && await items.GetAsync(itemId, ct) is { } item)
                {
                    var said = await lifecycle.ClaimAsync(new Actor(Platform.Slack, workspace.Id, ev.User, ev.Item.Channel), item.Number, ct);
                    var locale = await workspaces.LocaleForAsync(workspace, ev.User, null, ct);
                    await replies.NoticeAsync(workspace.Id, ev.Item.Channel, ev.User, locale, said, ct);
                }
                break;
            case "app_home_opened" when ev.Tab == "home" && ev.User is not null:
                await EnqueueOnceAsync(envelope.EventId!, new OutboundMessage(Platform.Slack, workspace.Id, ev.User, OutboxKinds.Home,
                    new OutboundBody { UserId = ev.User }, $"home:{workspace.Id}:{ev.User}", Coalesce: true), ct);
                break;
            case "app_mention" when ev.User is not null && ev.Channel is not null:
                if (!await RecordAsync(envelope.EventId!, ct)) return;
                var text = MentionPrefix().Replace(SlackText.CommandToNeutral(ev.Text), "");
                var command = new ChatCommand(Platform.Slack, envelope.TeamId!, ev.Channel, ev.User, text);
                var (_, work) = await budget.RunAsync(t => router.DispatchAsync(command, t), TimeSpan.FromMilliseconds(slack.Value.AckBudgetMs));
                late.Track(ReplyAsync(work, envelope.TeamId!, ev.Channel, ev.User));
                break;
            // A message in the bot's Messages tab (message.im) is a command, answered in the same DM. Edits, deletions and
            // other subtypes are not new words from the person (https://docs.slack.dev/reference/events/message); the bot's
            // own posts were dropped above; a retry carries the same event_id, so the inbox applies it once.
            case "message" when ev is { ChannelType: "im", Subtype: null, User: not null, Channel: not null }:
                if (!await RecordAsync(envelope.EventId!, ct)) return;
                var typed = MentionPrefix().Replace(SlackText.CommandToNeutral(ev.Text), "");
                var dm = new ChatCommand(Platform.Slack, envelope.TeamId!, ev.Channel, ev.User, typed);
                var (_, answer) = await budget.RunAsync(t => router.DispatchAsync(dm, t), TimeSpan.FromMilliseconds(slack.Value.AckBudgetMs));
                late.Track(DirectReplyAsync(answer, envelope.TeamId!, ev.Channel));
                break;
        }
    }

    private async Task DirectReplyAsync(Task<Reply> work, string team, string channel)
    {
        var reply = await work;
        if (reply.NeedsForm) reply = Reply.Text("error.form_unavailable") with { Locale = reply.Locale };
        await replies.DirectAsync(team, channel, renderer.Ack(reply), CancellationToken.None);
    }

    private async Task ReplyAsync(Task<Reply> work, string team, string channel, string user)
    {
        var reply = await work;
        if (reply.NeedsForm) reply = Reply.Text("error.form_unavailable") with { Locale = reply.Locale };
        await replies.EnqueueAsync(team, channel, user, null, renderer.Ack(reply), CancellationToken.None);
    }

    private Task<bool> RecordAsync(string eventId, CancellationToken ct) =>
        db.WriteAsync((c, tx) => inbox.TryRecordAsync(c, tx, Platform.Slack, eventId, ct), ct);

    private async Task EnqueueOnceAsync(string eventId, OutboundMessage message, CancellationToken ct)
    {
        var fresh = await db.WriteAsync(async (c, tx) =>
        {
            if (!await inbox.TryRecordAsync(c, tx, Platform.Slack, eventId, ct)) return false;
            await outbox.EnqueueAsync(c, tx, message, ct);
            return true;
        }, ct);
        if (fresh) signal.Notify();
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^\s*<@[UW][A-Z0-9]+>\s*")]
    private static partial System.Text.RegularExpressions.Regex MentionPrefix();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack app_rate_limited for team {TeamId}: events are being dropped by Slack")]
    private partial void LogRateLimited(string? teamId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not store Slack event {EventId}; answered 503 so Slack retries")]
    private partial void LogStoreFailed(Exception e, string? eventId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Slack {Type} → {Outcome}")]
    private partial void LogReaction(string type, ReactionOutcome outcome);
}

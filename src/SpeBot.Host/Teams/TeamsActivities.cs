using System.Globalization;
using Microsoft.Extensions.Options;
using SpeBot.Core;
using SpeBot.Core.Commands;
using SpeBot.Core.Events;
using SpeBot.Core.Items;
using SpeBot.Core.Outbox;
using SpeBot.Core.Storage;
using SpeBot.Core.Workspaces;

namespace SpeBot.Host.Teams;

/// <summary>
/// Non-invoke activities, applied once (by activity id in the inbox): messages go through the same command router
/// as Slack and are answered through the outbox; reactions on item cards are votes.
/// </summary>
public sealed partial class TeamsActivities(
    CommandRouter router, Votes votes, TeamsRenderer renderer, Database db, Inbox inbox, OutboxStore outbox, OutboxSignal signal,
    TimeProvider clock, IOptions<TeamsOptions> options, TeamsWelcome welcome, TeamsHome home, WorkspaceStore workspaces, ILogger<TeamsActivities> log)
{
    public async Task HandleAsync(Activity a, Workspace workspace, CancellationToken ct)
    {
        switch (a.Type)
        {
            case "message":
                await MessageAsync(a, workspace, ct);
                break;
            case "messageReaction":
                await ReactionsAsync(a, workspace, ct);
                break;
            // conversationUpdate / installationUpdate: the endpoint already stored the conversation reference, so cards and
            // digests can now be posted there proactively; an install also gets the welcome, once per conversation.
            case "conversationUpdate" or "installationUpdate" when TeamsWelcome.IsInstall(a):
                await welcome.GreetAsync(a, workspace, ct);
                break;
        }
    }

    private async Task MessageAsync(Activity a, Workspace workspace, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(a.Text) || a.Id is null || a.Conversation?.Id is null) return;
        if (a.From?.Id is { } from && from == a.Recipient?.Id) return;
        var command = TeamsMapper.ToCommand(a);
        if (command is null) return;
        if (!await db.WriteAsync((c, tx) => inbox.TryRecordAsync(c, tx, Platform.Teams, $"message:{a.Id}", ct), ct)) return;

        // A dashboard link signs in whoever opens it first, so it is sent only in a 1:1 chat, never where others read.
        var answer = CommandText.Parse(command.Text).Verb == TeamsHome.Verb
            ? await HomeAsync(a, workspace, command.UserId, ct)
            : renderer.Message(IsDashboardOutsidePersonalChat(command, a)
                ? Reply.Text("dashboard.personal_only") with { Locale = SpeBot.Core.Text.MessageCatalog.Normalize(command.LocaleHint) ?? SpeBot.Core.Text.MessageCatalog.Fallback }
                : await router.DispatchAsync(command, ct));
        var payload = BotJson.Serialize(answer);
        // Replies go to the full conversation id, so an answer in a channel thread stays in that thread.
        await db.WriteAsync(async (c, tx) =>
        {
            await outbox.EnqueueAsync(c, tx, new OutboundMessage(Platform.Teams, workspace.Id, a.Conversation.Id, OutboxKinds.Reply,
                new OutboundBody { UserId = command.UserId, MessageId = a.Id, Payload = payload }, $"reply:teams:{a.Id}"), ct);
            return 0;
        }, ct);
        signal.Notify();
    }

    /// <summary>
    /// <c>home</c> is Teams-only (Slack has its App Home tab): the card in the personal chat, a pointer there anywhere else,
    /// since a channel would show one person's claims to everyone.
    /// </summary>
    private async Task<System.Text.Json.Nodes.JsonObject> HomeAsync(Activity a, Workspace workspace, string user, CancellationToken ct)
    {
        if (a.Conversation?.ConversationType == "personal") return TeamsRenderer.CardActivity(await home.CardAsync(workspace, user, a.Locale, ct));
        var style = renderer.NewStyle();
        var locale = await workspaces.LocaleForAsync(workspace, user, a.Locale, ct);
        return TeamsRenderer.TextActivity(renderer.T(locale, new SpeBot.Core.Message("teams.home.personal_only"), style), style);
    }

    private static bool IsDashboardOutsidePersonalChat(ChatCommand command, Activity a) =>
        a.Conversation?.ConversationType != "personal"
        && string.Equals(SpeBot.Core.Commands.CommandText.Parse(command.Text).Verb, "dashboard", StringComparison.OrdinalIgnoreCase);

    private async Task ReactionsAsync(Activity a, Workspace workspace, CancellationToken ct)
    {
        if (a.ReplyToId is null || a.Conversation?.Id is null || a.From?.PersonId is not { } user || a.Id is null) return;
        var channel = ServiceUrls.BaseConversation(a.Conversation.Id);
        var at = DateTimeOffset.TryParse(a.Timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : clock.GetUtcNow();
        var changes = (a.ReactionsAdded ?? []).Select(r => (r.Type, Added: true)).Concat((a.ReactionsRemoved ?? []).Select(r => (r.Type, Added: false)));
        foreach (var (type, added) in changes)
        {
            if (string.IsNullOrEmpty(type)) continue;
            var result = await votes.ApplyReactionAsync(new ReactionChange(Platform.Teams, workspace.Id, channel, a.ReplyToId, user, type, added,
                Iso.Of(at), $"reaction:{a.Id}:{type}:{(added ? "+" : "-")}", options.Value.VoteReactions), ct);
            LogReaction(log, type, added, result.Outcome);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Teams reaction {Type} added={Added} → {Outcome}")]
    private static partial void LogReaction(ILogger log, string type, bool added, ReactionOutcome outcome);
}

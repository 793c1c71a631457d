using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using SpeBot.Core;
using SpeBot.Core.Items;
using SpeBot.Core.Outbox;
using SpeBot.Core.Workspaces;

namespace SpeBot.Host.Teams;

/// <summary>
/// Delivers Teams outbox rows through the Connector, rendering from current state in the channel's locale and
/// addressing each conversation by its stored reference (so every post is a proactive one, after the 200).
/// </summary>
public sealed class TeamsSender(
    BotConnectorClient connector, ConversationReferences references, TeamsRenderer renderer, ItemStore items, ItemQueries queries,
    PostedMessageStore posted, OutboxStore outbox, WorkspaceStore workspaces, TeamsDigest digest, TeamsHandoff handoff, TeamsPoll poll, TeamsNudge nudge, DirectChats direct, TeamsExport export, IOptions<TeamsOptions> options) : IChatSender
{
    public Platform Platform => Platform.Teams;

    public async Task<SendResult> SendAsync(OutboxRow row, CancellationToken ct)
    {
        try
        {
            var reference = await references.FindAsync(row.WorkspaceId, row.ChannelId, ct);
            // A notice or DM card to a person (channel id = user id) opens a 1:1 chat the first time; later ones find it stored.
            if (reference is null && row.Kind is OutboxKinds.Notice or OutboxKinds.HandoffDm or OutboxKinds.Nudge && TeamsText.IsUserId(row.ChannelId))
                reference = await direct.OpenAsync(row.WorkspaceId, row.ChannelId, ct);
            if (reference is null) return new SendResult.Permanent("no conversation reference: SpeBot was never installed or addressed there");
            var body = row.Parsed();
            return row.Kind switch
            {
                OutboxKinds.ItemCard => await PostCardAsync(row, body, reference, ct),
                OutboxKinds.CardUpdate => await UpdateCardsAsync(row, body, reference, ct),
                OutboxKinds.Notice => await NoticeAsync(row, body, reference, ct),
                OutboxKinds.Reply => await ReplyAsync(row, body, reference, ct),
                OutboxKinds.Digest => await digest.SendAsync(row, body, reference, await ChannelLocaleAsync(row.WorkspaceId, reference, ct), ct),
                OutboxKinds.Handoff => await handoff.SummaryAsync(row, body, reference, await ChannelLocaleAsync(row.WorkspaceId, reference, ct), ct),
                OutboxKinds.HandoffDm => await handoff.DirectAsync(row, body, reference, ct),
                OutboxKinds.Nudge => await nudge.SendAsync(row, body, reference, ct),
                OutboxKinds.Poll => await poll.PostAsync(row, body, reference, await ChannelLocaleAsync(row.WorkspaceId, reference, ct), ct),
                OutboxKinds.PollUpdate => await poll.UpdateAsync(row, body, reference, await ChannelLocaleAsync(row.WorkspaceId, reference, ct), ct),
                OutboxKinds.Export => await export.OfferAsync(row, body, reference, ct),
                TeamsExport.UploadKind => await export.UploadAsync(row, body, reference, ct),
                _ => new SendResult.Permanent($"outbox kind '{row.Kind}' is not supported on Teams"),
            };
        }
        catch (ConnectorException e) when (e.RetryAfter is { } wait && e.IsTransient)
        {
            return new SendResult.RateLimited(wait);
        }
        catch (ConnectorException e) when ((int)e.Status == 429)
        {
            return new SendResult.RateLimited(TimeSpan.FromSeconds(2));
        }
        catch (ConnectorException e)
        {
            return e.IsTransient ? new SendResult.Transient(e.Message) : new SendResult.Permanent(e.Message);
        }
        catch (ServiceUrlNotAllowedException e)
        {
            return new SendResult.Permanent(e.Message);
        }
        catch (HttpRequestException e)
        {
            return new SendResult.Transient(e.Message);
        }
    }

    private async Task<string> ChannelLocaleAsync(long workspaceId, ConversationReference reference, CancellationToken ct) =>
        await workspaces.GetAsync(workspaceId, ct) is { } w ? workspaces.ChannelLocale(w, reference.Locale) : "en";

    /// <summary>In a channel each card starts its own thread; in chats it is a plain send (see <see cref="Proactive"/>).</summary>
    private async Task<SendResult> PostCardAsync(OutboxRow row, OutboundBody body, ConversationReference reference, CancellationToken ct)
    {
        var item = body.ItemId is { } id ? await items.GetAsync(id, ct) : null;
        if (item is null) return new SendResult.Permanent("item no longer exists");
        var activity = TeamsRenderer.CardActivity(renderer.ItemCard(queries.View(item), await ChannelLocaleAsync(row.WorkspaceId, reference, ct)));
        var messageId = await connector.PostAsync(reference, options.Value.AppId, activity, ct);
        if (messageId is null) return new SendResult.Transient("the Connector returned no activity id");
        return new SendResult.Sent(messageId, new PostedMessage
        {
            Platform = "teams", ChannelId = row.ChannelId, MessageId = messageId, WorkspaceId = row.WorkspaceId, Kind = OutboxKinds.ItemCard, ItemId = item.Id,
        });
    }

    private async Task<SendResult> UpdateCardsAsync(OutboxRow row, OutboundBody body, ConversationReference reference, CancellationToken ct)
    {
        var item = body.ItemId is { } id ? await items.GetAsync(id, ct) : null;
        if (item is null) return new SendResult.Permanent("item no longer exists");
        var cards = (await posted.CardsOfAsync(item.Id, ct)).Where(c => c.Platform == "teams" && c.ChannelId == row.ChannelId).ToList();
        if (cards.Count == 0) return await outbox.UpdateWithoutMessageAsync($"item_card:{item.Id}:{row.ChannelId}", "card", ct);
        var card = renderer.ItemCard(queries.View(item), await ChannelLocaleAsync(row.WorkspaceId, reference, ct));
        foreach (var c in cards)
            await connector.UpdateAsync(reference.ServiceUrl, reference.ConversationId, c.MessageId, TeamsRenderer.CardActivity((JsonObject)card.DeepClone()), ct);
        return new SendResult.Sent(cards[0].MessageId);
    }

    /// <summary>Teams has no ephemeral messages; a notice is a message in the conversation the row names.</summary>
    private async Task<SendResult> NoticeAsync(OutboxRow row, OutboundBody body, ConversationReference reference, CancellationToken ct)
    {
        var message = body.ToMessage();
        if (message is null) return new SendResult.Permanent("notice without text");
        var style = renderer.NewStyle();
        var text = renderer.T(body.Locale ?? await ChannelLocaleAsync(row.WorkspaceId, reference, ct), message, style);
        // The row's own id keeps a thread suffix; a user id stands for the 1:1 chat stored under it.
        var target = ServiceUrls.BaseConversation(row.ChannelId) == reference.ConversationId ? row.ChannelId : reference.ConversationId;
        return new SendResult.Sent(await connector.SendAsync(reference.ServiceUrl, target, TeamsRenderer.TextActivity(text, style), ct));
    }

    private async Task<SendResult> ReplyAsync(OutboxRow row, OutboundBody body, ConversationReference reference, CancellationToken ct)
    {
        if (JsonNode.Parse(body.Payload ?? "{}") is not JsonObject activity) return new SendResult.Permanent("reply without a payload");
        var id = body.MessageId is { } replyTo
            ? await connector.ReplyAsync(reference.ServiceUrl, row.ChannelId, replyTo, activity, ct)
            : await connector.SendAsync(reference.ServiceUrl, row.ChannelId, activity, ct);
        return new SendResult.Sent(id);
    }
}

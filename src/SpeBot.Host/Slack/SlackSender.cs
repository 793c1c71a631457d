using System.Text;
using System.Text.Json.Nodes;
using SpeBot.Core;
using SpeBot.Core.Exports;
using SpeBot.Core.Items;
using SpeBot.Core.Outbox;
using SpeBot.Core.Workspaces;

namespace SpeBot.Host.Slack;

/// <summary>Delivers outbox rows to Slack, rendering each from the current state in the reader's locale.</summary>
public sealed class SlackSender(
    SlackWebApi api, SlackRenderer renderer, SlackHome home, SlackCapture capture, ItemStore items, ItemQueries queries,
    PostedMessageStore posted, OutboxStore outbox, WorkspaceStore workspaces, Exporter exporter, TimeProvider clock,
    IHttpClientFactory httpFactory, SlackDigest digests, SlackNudge nudges, SlackPoll polls, SlackHandoff handoffs) : IChatSender
{
    public const string ResponseUrlClient = "slack-response-url";

    public Platform Platform => Platform.Slack;

    public async Task<SendResult> SendAsync(OutboxRow row, CancellationToken ct)
    {
        try
        {
            var body = row.Parsed();
            return row.Kind switch
            {
                OutboxKinds.ItemCard => await PostCardAsync(row, body, ct),
                OutboxKinds.CardUpdate => await UpdateCardsAsync(row, body, ct),
                OutboxKinds.Notice => await NoticeAsync(row, body, ct),
                OutboxKinds.Reply => await ReplyAsync(row, body, ct),
                OutboxKinds.Home => await HomeAsync(row, body, ct),
                OutboxKinds.Capture => await capture.RunAsync(row, body, ct),
                OutboxKinds.Reaction => await ReactAsync(row, body, ct),
                OutboxKinds.Export => await ExportAsync(row, body, ct),
                OutboxKinds.Digest => await digests.SendAsync(row, body, ct),
                OutboxKinds.Nudge => await nudges.SendAsync(row, body, ct),
                OutboxKinds.Poll => await polls.PostAsync(row, body, ct),
                OutboxKinds.PollUpdate => await polls.UpdateAsync(row, body, ct),
                OutboxKinds.Handoff => await handoffs.SummaryAsync(row, body, ct),
                OutboxKinds.HandoffDm => await handoffs.DirectAsync(row, body, ct),
                _ => new SendResult.Permanent($"unknown outbox kind '{row.Kind}'"),
            };
        }
        catch (SlackRateLimitedException e)
        {
            return new SendResult.RateLimited(e.RetryAfter);
        }
        catch (SlackApiException e)
        {
            return e.IsTransient ? new SendResult.Transient(e.Error) : new SendResult.Permanent(e.Error);
        }
        catch (SlackTransportException e)
        {
            return new SendResult.Transient(e.Message);
        }
    }

    private async Task<string> ChannelLocaleAsync(long workspaceId, CancellationToken ct) =>
        await workspaces.GetAsync(workspaceId, ct) is { } w ? workspaces.ChannelLocale(w) : "en";

    private async Task<SendResult> PostCardAsync(OutboxRow row, OutboundBody body, CancellationToken ct)
    {
        var item = body.ItemId is { } id ? await items.GetAsync(id, ct) : null;
        if (item is null) return new SendResult.Permanent("item no longer exists");
        if (item is { SourceChannel: not null, SourceMessageId: not null, SourcePermalink: null })
        {
            try
            {
                if (await api.GetPermalinkAsync(item.SourceChannel, item.SourceMessageId, ct) is { } link)
                {
                    await items.SetPermalinkAsync(item.Id, link, ct);
                    item = await items.GetAsync(item.Id, ct) ?? item;
                }
            }
            catch (SlackApiException)
            {
                // The card still goes out; it just cannot link back.
            }
        }
        var (text, blocks) = renderer.ItemCard(queries.View(item), await ChannelLocaleAsync(row.WorkspaceId, ct));
        var ts = await api.PostMessageAsync(row.ChannelId, text, blocks, ct: ct);
        return new SendResult.Sent(ts.Ts, new PostedMessage
        {
            Platform = "slack", ChannelId = ts.Channel, MessageId = ts.Ts, WorkspaceId = row.WorkspaceId, Kind = OutboxKinds.ItemCard, ItemId = item.Id,
        });
    }

    private async Task<SendResult> UpdateCardsAsync(OutboxRow row, OutboundBody body, CancellationToken ct)
    {
        var item = body.ItemId is { } id ? await items.GetAsync(id, ct) : null;
        if (item is null) return new SendResult.Permanent("item no longer exists");
        var cards = (await posted.CardsOfAsync(item.Id, ct)).Where(c => c.ChannelId == row.ChannelId).ToList();
        if (cards.Count == 0) return await outbox.UpdateWithoutMessageAsync($"item_card:{item.Id}:{row.ChannelId}", "card", ct);
        var (text, blocks) = renderer.ItemCard(queries.View(item), await ChannelLocaleAsync(row.WorkspaceId, ct));
        foreach (var card in cards) await api.UpdateAsync(card.ChannelId, card.MessageId, text, blocks, ct);
        return new SendResult.Sent(cards[0].MessageId);
    }

    private async Task<SendResult> NoticeAsync(OutboxRow row, OutboundBody body, CancellationToken ct)
    {
        var message = body.ToMessage();
        if (message is null) return new SendResult.Permanent("notice without text");
        var locale = body.Locale ?? await ChannelLocaleAsync(row.WorkspaceId, ct);
        var text = renderer.T(locale, message);
        var blocks = new JsonArray(BlockKit.Section(text));
        if (body.Ephemeral && body.UserId is not null)
            return new SendResult.Sent(await api.PostEphemeralAsync(row.ChannelId, body.UserId, BlockKit.Truncate(text, BlockKit.MaxFallbackText), blocks, ct));
        var ts = await api.PostMessageAsync(row.ChannelId, BlockKit.Truncate(text, BlockKit.MaxFallbackText), blocks, ct: ct);
        return new SendResult.Sent(ts.Ts);
    }

    private async Task<SendResult> ReplyAsync(OutboxRow row, OutboundBody body, CancellationToken ct)
    {
        var payload = JsonNode.Parse(body.Payload ?? "{}")!.AsObject();
        if (body.ResponseUrl is not null && IsAllowedResponseUrl(body.ResponseUrl))
        {
            using var response = await httpFactory.CreateClient(ResponseUrlClient).PostAsync(body.ResponseUrl,
                new StringContent(payload.ToJsonString(SlackJson.Options), Encoding.UTF8, "application/json"), ct);
            if (response.IsSuccessStatusCode) return new SendResult.Sent(null);
            if ((int)response.StatusCode == 429) return new SendResult.RateLimited(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(30));
            if ((int)response.StatusCode >= 500) return new SendResult.Transient($"response_url HTTP {(int)response.StatusCode}");
            // Expired or used up (5 posts in 30 min): fall through to an ephemeral message.
        }
        var text = payload["text"]?.GetValue<string>() ?? "";
        if (!body.Ephemeral)
        {
            // A reply in a DM: the conversation is the person's own, so it is an ordinary message there.
            var posted = await api.PostMessageAsync(row.ChannelId, text, payload["blocks"]?.DeepClone().AsArray(), ct: ct);
            return new SendResult.Sent(posted.Ts);
        }
        if (body.UserId is null) return new SendResult.Permanent("reply without a recipient");
        return new SendResult.Sent(await api.PostEphemeralAsync(row.ChannelId, body.UserId, text, payload["blocks"]?.DeepClone().AsArray(), ct));
    }

    /// <summary>response_url comes inside a signed request, but only Slack's https hosts (or loopback fakes) get our replies.</summary>
    internal static bool IsAllowedResponseUrl(string url) => SlackWebApi.IsSlackHostOrLoopback(url);

    private async Task<SendResult> HomeAsync(OutboxRow row, OutboundBody body, CancellationToken ct)
    {
        var workspace = await workspaces.GetAsync(row.WorkspaceId, ct);
        if (workspace is null || body.UserId is null) return new SendResult.Permanent("home without a user");
        var locale = await workspaces.LocaleForAsync(workspace, body.UserId, null, ct);
        var (mine, claims) = await queries.MineAsync(workspace.Id, body.UserId, ct);
        var top = await queries.TopAsync(workspace.Id, SlackHome.PerSection, ct);
        await api.PublishViewAsync(body.UserId, home.View(mine, claims, top, locale), ct);
        return new SendResult.Sent(null);
    }

    private async Task<SendResult> ExportAsync(OutboxRow row, OutboundBody body, CancellationToken ct)
    {
        var file = await exporter.BuildAsync(row.WorkspaceId, body.Key ?? "csv", clock.GetUtcNow(), ct);
        var locale = body.Locale ?? await ChannelLocaleAsync(row.WorkspaceId, ct);
        var comment = renderer.T(locale, new Message("export.comment", new() { ["format"] = (body.Key ?? "csv").ToUpperInvariant() }));
        await api.UploadFileAsync(row.ChannelId, file.Name, file.Content, file.Name, comment, httpFactory.CreateClient(ResponseUrlClient), ct);
        return new SendResult.Sent(file.Name);
    }

    private async Task<SendResult> ReactAsync(OutboxRow row, OutboundBody body, CancellationToken ct)
    {
        if (body.MessageId is null || body.Reaction is null) return new SendResult.Permanent("reaction without a target");
        await api.AddReactionAsync(row.ChannelId, body.MessageId, body.Reaction, ct);
        return new SendResult.Sent(null);
    }
}

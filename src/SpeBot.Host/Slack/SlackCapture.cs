using Microsoft.Extensions.Options;
using SpeBot.Core;
using SpeBot.Core.Commands;
using SpeBot.Core.Items;
using SpeBot.Core.Outbox;

namespace SpeBot.Host.Slack;

/// <summary>
/// Emoji capture, second half: the reaction event queued this row (once per message, whoever reacts and however
/// often Slack retries); here the message text is fetched, the item stored with its card, and the message marked.
/// </summary>
public sealed class SlackCapture(SlackWebApi api, Proposals proposals, IOptions<SpeBotOptions> options)
{
    public async Task<SendResult> RunAsync(OutboxRow row, OutboundBody body, CancellationToken ct)
    {
        if (body.MessageId is null || body.UserId is null) return new SendResult.Permanent("capture without a message");
        var message = await api.MessageAsync(row.ChannelId, body.MessageId, ct);
        if (message is null) return new SendResult.Permanent("message not found or not visible to the bot");

        var (title, detail) = MessageSplit.Split(SlackText.ToPlain(message.Text));
        if (title.Length == 0) title = "(no text)";
        var source = new SourceMessage(row.ChannelId, body.MessageId, message.User, null, null);
        // Idempotent on the source message: a retry after a partial failure finds the item made the first time.
        var (item, _) = await proposals.SubmitAsync(Platform.Slack, new NewItem(row.WorkspaceId, title, "slack", body.UserId,
            Detail: detail, Source: source, ChannelId: row.ChannelId), row.ChannelId, ct);
        await api.AddReactionAsync(row.ChannelId, body.MessageId, options.Value.CapturedReaction, ct);
        return new SendResult.Sent(item.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}

using SpeBot.Core.Outbox;
using SpeBot.Core.Storage;

namespace SpeBot.Core.Items;

/// <summary>
/// Every capture path (slash command, form, message shortcut, emoji) ends here: the item and its card post
/// are written in one transaction, so the item is durable before the ack and the card survives a restart.
/// </summary>
public sealed class Proposals(Database db, ItemStore items, OutboxStore outbox, OutboxSignal signal)
{
    public async Task<(Item Item, bool Created)> SubmitAsync(Platform platform, NewItem item, string cardChannelId, CancellationToken ct)
    {
        var result = await db.WriteAsync(async (c, tx) =>
        {
            var (stored, created) = await items.CreateAsync(c, tx, item, ct);
            if (created)
            {
                await outbox.EnqueueAsync(c, tx, new OutboundMessage(platform, item.WorkspaceId, cardChannelId, OutboxKinds.ItemCard,
                    new OutboundBody { ItemId = stored.Id }, $"item_card:{stored.Id}:{cardChannelId}"), ct);
            }
            return (stored, created);
        }, ct);
        if (result.created) signal.Notify();
        return result;
    }
}

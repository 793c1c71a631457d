using System.Data.Common;
using SpeBot.Core.Storage;
using SpeBot.Core.Outbox;

namespace SpeBot.Core.Items;

/// <summary>
/// Queues an in-place refresh of every card of an item. Rows coalesce per (item, channel) and wait a moment,
/// so a burst of votes becomes one chat.update showing the latest state.
/// </summary>
public sealed class CardUpdates(OutboxStore outbox)
{
    public static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(1500);

    public async Task<int> EnqueueAsync(DbConnection c, DbTransaction tx, Platform platform, long workspaceId, long itemId, CancellationToken ct)
    {
        // Cards already posted, plus cards still queued: a vote that lands while the card is in flight must still show.
        // The queued ones by key range only (':' .. ';', a prefix match), so the unique dedupe_key index answers it
        // whatever the backlog; status and platform are filtered here.
        var p = platform.Wire();
        var channels = new List<string>(2);
        var rows = await c.RowsAsync(tx, """
            SELECT channel_id, 'posted', platform FROM posted_messages WHERE item_id = @itemId AND kind = 'item_card'
            UNION ALL
            SELECT channel_id, status, platform FROM outbox WHERE dedupe_key >= @from AND dedupe_key < @to
            """, ct, ("@itemId", itemId), ("@from", $"item_card:{itemId}:"), ("@to", $"item_card:{itemId};"));
        foreach (var row in rows)
        {
            var channel = (string)row[0]!;
            if (row[1] is "posted" or "pending" && (string)row[2]! == p && !channels.Contains(channel)) channels.Add(channel);
        }
        foreach (var channel in channels)
        {
            await outbox.EnqueueAsync(c, tx, new OutboundMessage(platform, workspaceId, channel, OutboxKinds.CardUpdate,
                new OutboundBody { ItemId = itemId }, $"card_update:{itemId}:{channel}", Coalesce: true, Delay: Debounce), ct);
        }
        return channels.Count;
    }
}

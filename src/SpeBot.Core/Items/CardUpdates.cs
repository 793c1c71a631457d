using System.Data.Common;
using Dapper;
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
        // The key range (':' .. ';') is a prefix match that can use the dedupe_key index, unlike LIKE.
        var posted = await c.QueryAsync<string>(new CommandDefinition(
            "SELECT channel_id FROM posted_messages WHERE item_id = @itemId AND kind = 'item_card' AND platform = @p",
            new { itemId, p = platform.Wire() }, tx, cancellationToken: ct));
        // Only the key range in SQL, so the unique dedupe_key index answers it whatever the backlog; the rest is filtered here.
        var queued = await c.QueryAsync<(string ChannelId, string Status, string Platform)>(new CommandDefinition(
            "SELECT channel_id, status, platform FROM outbox WHERE dedupe_key >= @from AND dedupe_key < @to",
            new { from = $"item_card:{itemId}:", to = $"item_card:{itemId};" }, tx, cancellationToken: ct));
        var channels = posted.Concat(queued.Where(q => q.Status == "pending" && q.Platform == platform.Wire()).Select(q => q.ChannelId))
            .Distinct().ToList();
        foreach (var channel in channels)
        {
            await outbox.EnqueueAsync(c, tx, new OutboundMessage(platform, workspaceId, channel, OutboxKinds.CardUpdate,
                new OutboundBody { ItemId = itemId }, $"card_update:{itemId}:{channel}", Coalesce: true, Delay: Debounce), ct);
        }
        return channels.Count;
    }
}

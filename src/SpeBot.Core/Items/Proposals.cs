using System.Data.Common;
using SpeBot.Core.Events;
using SpeBot.Core.Outbox;
using SpeBot.Core.Storage;

namespace SpeBot.Core.Items;

/// <summary>
/// Every capture path (slash command, form, message shortcut, emoji) ends here: the item and its card post
/// are written in one transaction, so the item is durable before the ack and the card survives a restart.
/// </summary>
public sealed class Proposals(Database db, ItemStore items, OutboxStore outbox, OutboxSignal signal, Inbox inbox)
{
    // PostgreSQL only: see ProposalBatch (SQLite's writer already commits in groups). A proposal from a source message
    // (emoji capture, message shortcut) needs its duplicate check and goes alone.
    private ProposalBatch? _batch;

    private ProposalBatch? Batch => db.Provider != StorageProvider.Postgres ? null : Volatile.Read(ref _batch) ?? Interlocked.CompareExchange(ref _batch,
        new ProposalBatch(db, items, (platform, item, channel) => db.WriteAsync((c, tx) => CreateAsync(c, tx, platform, item, channel, CancellationToken.None))),
        null) ?? _batch;

    public async Task<(Item Item, bool Created)> SubmitAsync(Platform platform, NewItem item, string cardChannelId, CancellationToken ct)
    {
        var result = item.Source is null && Batch is { } batch
            ? await batch.SubmitAsync(platform, item, cardChannelId, ct)
            : await db.WriteAsync((c, tx) => CreateAsync(c, tx, platform, item, cardChannelId, ct), ct);
        if (result.Created) Created(platform);
        return result;
    }

    /// <summary>
    /// For a submission that has no source message to make it unique (a Teams dialog): applied once per
    /// <paramref name="eventKey"/>; null when that key was already applied.
    /// </summary>
    public async Task<(Item Item, bool Created)?> SubmitOnceAsync(Platform platform, NewItem item, string cardChannelId, string eventKey, CancellationToken ct)
    {
        var result = await db.WriteAsync(async (c, tx) => await inbox.TryRecordAsync(c, tx, platform, eventKey, ct)
            ? await CreateAsync(c, tx, platform, item, cardChannelId, ct)
            : ((Item Item, bool Created)?)null, ct);
        if (result is { Created: true }) Created(platform);
        return result;
    }

    private void Created(Platform platform)
    {
        signal.Notify();
        Telemetry.Proposals.Add(1, Telemetry.PlatformTag(platform));
    }

    /// <summary>The item and its card row inside the caller's transaction (discovery joins its own checks to it).</summary>
    public async Task<(Item Item, bool Created)> CreateAsync(DbConnection c, DbTransaction tx, Platform platform, NewItem item, string cardChannelId,
                                                           CancellationToken ct)
    {
        var (stored, created) = await items.CreateAsync(c, tx, item, ct);
        if (created)
        {
            await outbox.EnqueueAsync(c, tx, new OutboundMessage(platform, item.WorkspaceId, cardChannelId, OutboxKinds.ItemCard,
                new OutboundBody { ItemId = stored.Id }, $"item_card:{stored.Id}:{cardChannelId}"), ct);
        }
        return (stored, created);
    }
}

using System.Data.Common;
using Dapper;
using SpeBot.Core.Storage;

namespace SpeBot.Core.Outbox;

/// <summary>A message SpeBot posted, and what it shows; reactions and clicks resolve against it.</summary>
public sealed class PostedMessage
{
    public string Platform { get; init; } = "";
    public string ChannelId { get; init; } = "";
    public string MessageId { get; init; } = "";
    public long WorkspaceId { get; init; }
    public string Kind { get; init; } = "";
    public long? ItemId { get; init; }
    public string? RefId { get; init; }
}

public sealed class PostedMessageStore(Database db, TimeProvider clock)
{
    public Task RecordAsync(DbConnection c, DbTransaction tx, PostedMessage m, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO posted_messages (platform, channel_id, message_id, workspace_id, kind, item_id, ref_id, created_at)
            VALUES (@Platform, @ChannelId, @MessageId, @WorkspaceId, @Kind, @ItemId, @RefId, @now)
            ON CONFLICT (platform, channel_id, message_id) DO NOTHING
            """, new { m.Platform, m.ChannelId, m.MessageId, m.WorkspaceId, m.Kind, m.ItemId, m.RefId, now = Iso.Of(clock.GetUtcNow()) },
            tx, cancellationToken: ct));

    public Task<PostedMessage?> FindAsync(DbConnection c, DbTransaction? tx, Platform platform, string channelId, string messageId, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<PostedMessage>(new CommandDefinition(
            "SELECT * FROM posted_messages WHERE platform = @p AND channel_id = @channelId AND message_id = @messageId",
            new { p = platform.Wire(), channelId, messageId }, tx, cancellationToken: ct));

    public async Task<IReadOnlyList<PostedMessage>> CardsOfAsync(long itemId, CancellationToken ct = default) =>
        (await db.ReadAsync(c => c.QueryAsync<PostedMessage>(new CommandDefinition(
            "SELECT * FROM posted_messages WHERE item_id = @itemId AND kind = 'item_card' ORDER BY created_at",
            new { itemId }, cancellationToken: ct)), ct)).ToList();

    /// <summary>A message SpeBot posted for a reference (a digest's schedule and period), so a re-run edits it in place.</summary>
    public Task<PostedMessage?> FindByRefAsync(Platform platform, string channelId, string kind, string refId, CancellationToken ct = default) =>
        db.ReadAsync(c => c.QueryFirstOrDefaultAsync<PostedMessage>(new CommandDefinition(
            "SELECT * FROM posted_messages WHERE platform = @p AND channel_id = @channelId AND kind = @kind AND ref_id = @refId ORDER BY created_at",
            new { p = platform.Wire(), channelId, kind, refId }, cancellationToken: ct)), ct);

    public Task RecordAsync(PostedMessage m, CancellationToken ct = default) =>
        db.WriteAsync(async (c, tx) =>
        {
            await RecordAsync(c, tx, m, ct);
            return 0;
        }, ct);
}

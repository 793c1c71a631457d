using System.Data.Common;
using Dapper;
using Microsoft.Extensions.Options;
using SpeBot.Core.Storage;

namespace SpeBot.Core.Items;

/// <summary>Items, their audit trail and their votes. Write methods join the caller's transaction.</summary>
public sealed partial class ItemStore(Database db, TimeProvider clock, IOptions<SpeBotOptions>? options = null)
{
    // The vote count is a column kept by the vote paths (ScoreIndex), so reading a card never counts its votes.
    internal const string Select = "SELECT i.* FROM items i";

    private readonly ScoreWeights _weights = options?.Value.Score ?? new ScoreWeights();

    // The dialect difference of this store. SQLite's single writer makes MAX(number) + 1 race-free; PostgreSQL runs
    // proposals from several processes at once, so each first takes its workspace's transaction-scoped advisory lock
    // (held to its commit, so a rolled-back proposal leaves no gap) before it reads the source and MAX(number).
    private readonly string? _numberLock = db.Provider == StorageProvider.Postgres ? "SELECT pg_advisory_xact_lock(@key)" : null;
    // PostgreSQL text cannot hold U+0000 (SQLite keeps it): there a NUL in what people typed becomes U+FFFD rather than
    // failing the proposal; the item returned says what was stored.
    private readonly bool _noNul = db.Provider == StorageProvider.Postgres;

    /// <summary>Creates the item, or returns the one already captured from the same source message.</summary>
    public async Task<(Item Item, bool Created)> CreateAsync(DbConnection c, DbTransaction tx, NewItem n, CancellationToken ct)
    {
        // PostgreSQL: taken before the source check too, so the same message proposed twice at once (a retried submit on
        // two instances) finds the first proposal's row instead of failing on ux_items_source.
        await LockNewItemsAsync(c, tx, n.WorkspaceId, ct);
        if (_noNul) n = n with { Title = n.Title.Replace('\0', '\uFFFD'), Detail = n.Detail?.Replace('\0', '\uFFFD'), Team = n.Team?.Replace('\0', '\uFFFD') };
        if (n.Source is { } src)
        {
            var existing = await c.QuerySingleOrDefaultAsync<Item>(new CommandDefinition(
                $"{Select} WHERE i.workspace_id = @WorkspaceId AND i.source_channel = @ChannelId AND i.source_message_id = @MessageId",
                new { n.WorkspaceId, src.ChannelId, src.MessageId }, tx, cancellationToken: ct));
            if (existing is not null) return (existing, false);
        }

        // Stored at millisecond precision, so the returned item matches what a later read gives.
        var now = Iso.Parse(Iso.Of(clock.GetUtcNow()));
        // The next number comes from the end of the (workspace_id, number) index, read in the same transaction as the
        // insert; items are never deleted, so numbers are never reused. SQLite's single writer makes the read race-free,
        // and the id is the rowid SQLite gave the row: a read and a plain insert cost the writer less than one
        // INSERT … RETURNING, which collects its row in a temporary table on every run. PostgreSQL holds the
        // workspace's number lock (taken above) and returns both from the insert, one round trip.
        long id, number;
        if (_numberLock is null)
        {
            number = (long)(await c.ScalarAsync(tx, "SELECT COALESCE(MAX(number), 0) + 1 FROM items WHERE workspace_id = @workspaceId", ct,
                ("@workspaceId", n.WorkspaceId)))!;
            id = await c.InsertAsync(tx, SqliteInsert, ct, InsertArgs(n, number, now));
        }
        else
        {
            var inserted = (await c.RowsAsync(tx, PostgresInsert, ct, InsertArgs(n, null, now)))[0];
            (id, number) = ((long)inserted[0]!, (long)inserted[1]!);
        }
        await RecordInsertedAsync(c, tx, n.WorkspaceId, n.AuthorId, ItemStatus.Proposed.Wire(), n.Category, number, id, ct);
        var row = (Id: id, Number: number);
        // Built from what was just written rather than read back: reading 27 columns costs more than the insert.
        var item = new Item
        {
            Id = row.Id, WorkspaceId = n.WorkspaceId, Number = row.Number, Title = n.Title, Detail = n.Detail, Category = n.Category,
            AuthorPlatform = n.AuthorPlatform, AuthorId = n.AuthorId, Team = n.Team, SourceChannel = n.Source?.ChannelId,
            SourceMessageId = n.Source?.MessageId, SourcePermalink = n.Source?.Permalink, SourceAuthorId = n.Source?.AuthorId,
            Impact = n.Impact, Effort = n.Effort, CreatedAt = now, UpdatedAt = now,
        };
        await AppendEventAsync(c, tx, item.Id, n.AuthorId, "proposed", null, n.AuthorPlatform, n.ChannelId ?? n.Source?.ChannelId, ct);
        return (item, true);
    }

    private const string InsertSql = """
        INSERT INTO items (workspace_id, number, title, detail, category, status, author_platform, author_id, team,
                           source_channel, source_message_id, source_permalink, source_author_id,
                           impact, effort, base_score, created_at, updated_at)
        VALUES
        """;

    private const string InsertValues = """
        @title, @detail, @category, 'proposed', @authorPlatform, @authorId, @team,
                @sourceChannel, @sourceMessageId, @sourcePermalink, @sourceAuthorId,
                @impact, @effort, @base, @now, @now
        """;

    // Built once: the prepared-statement cache is keyed by the text.
    private static readonly string SqliteInsert = $"{InsertSql} (@workspaceId, @number, {InsertValues})";
    private static readonly string PostgresInsert =
        $"{InsertSql} (@workspaceId, (SELECT COALESCE(MAX(number), 0) + 1 FROM items WHERE workspace_id = @workspaceId), {InsertValues}) RETURNING id, number";

    private (string Name, object? Value)[] InsertArgs(NewItem n, long? number, DateTimeOffset now)
    {
        (string, object?)[] args =
        [
            ("@workspaceId", n.WorkspaceId), ("@title", n.Title), ("@detail", n.Detail), ("@category", n.Category),
            ("@authorPlatform", n.AuthorPlatform), ("@authorId", n.AuthorId), ("@team", n.Team),
            ("@sourceChannel", n.Source?.ChannelId), ("@sourceMessageId", n.Source?.MessageId),
            ("@sourcePermalink", n.Source?.Permalink), ("@sourceAuthorId", n.Source?.AuthorId),
            ("@impact", n.Impact), ("@effort", n.Effort), ("@base", Scoring.Base(0, n.Impact, n.Effort, _weights)), ("@now", Iso.Of(now)),
        ];
        return number is { } value ? [.. args, ("@number", value)] : args;
    }

    /// <summary>
    /// What a new item adds besides its row: its count in item_counts and its entry in item_people. SQLite leaves both
    /// to ItemSettling's next pass (migration 0012: a page per proposal is what they cost the single writer); PostgreSQL
    /// writes them here, in the insert's transaction.
    /// </summary>
    public async Task RecordInsertedAsync(DbConnection c, DbTransaction tx, long workspaceId, string authorId, string status, string category,
                                          long number, long id, CancellationToken ct)
    {
        if (_numberLock is null) return;
        await CountInsertedAsync(c, tx, workspaceId, status, category, ct);
        await c.RunAsync(tx, """
            INSERT INTO item_people (workspace_id, author_id, status, number, item_id) VALUES (@workspaceId, @authorId, @status, @number, @id)
            """, ct, ("@workspaceId", workspaceId), ("@authorId", authorId), ("@status", status), ("@number", number), ("@id", id));
    }

    /// <summary>
    /// Counts new items in item_counts, in the insert's transaction (PostgreSQL; SQLite's ItemSettling counts them in
    /// bulk). ItemStore is the only insert into items, so it keeps the counts here instead of in an AFTER INSERT trigger
    /// (migration 0010 dropped it). Status and category changes are counted by tr_items_count_update.
    /// </summary>
    private static Task CountInsertedAsync(DbConnection c, DbTransaction tx, long workspaceId, string status, string category, CancellationToken ct,
                                          long n = 1) =>
        c.RunAsync(tx, """
            INSERT INTO item_counts (workspace_id, status, category, n) VALUES (@workspaceId, @status, @category, @n)
            ON CONFLICT (workspace_id, status, category) DO UPDATE SET n = item_counts.n + excluded.n
            """, ct, ("@workspaceId", workspaceId), ("@status", status), ("@category", category), ("@n", n));

    /// <summary>
    /// PostgreSQL: takes the workspace's new-item lock (held to the commit; taking it again in the same transaction is
    /// free), so a check for an existing item (same message, same finding) and the insert after it cannot interleave
    /// with another instance's. SQLite: nothing, its single writer already runs them alone.
    /// </summary>
    public Task LockNewItemsAsync(DbConnection c, DbTransaction tx, long workspaceId, CancellationToken ct) =>
        _numberLock is null ? Task.CompletedTask : c.RunAsync(tx, _numberLock, ct, ("@key", AdvisoryLocks.ItemNumber(workspaceId)));

    public Task AppendEventAsync(DbConnection c, DbTransaction tx, long itemId, string actorId, string action, string? detail,
                                 string platform, string? channelId, CancellationToken ct) =>
        c.RunAsync(tx, """
            INSERT INTO item_events (item_id, actor_id, action, detail, platform, channel_id, created_at)
            VALUES (@itemId, @actorId, @action, @detail, @platform, @channelId, @now)
            """, ct, ("@itemId", itemId), ("@actorId", actorId), ("@action", action), ("@detail", detail), ("@platform", platform),
            ("@channelId", channelId), ("@now", Iso.Of(clock.GetUtcNow())));

    public Task<Item?> GetAsync(long id, CancellationToken ct = default) =>
        db.ReadAsync(c => c.QuerySingleOrDefaultAsync<Item>(new CommandDefinition($"{Select} WHERE i.id = @id", new { id }, cancellationToken: ct)), ct);

    public Task<Item?> GetByNumberAsync(long workspaceId, long number, CancellationToken ct = default) =>
        db.ReadAsync(c => c.QuerySingleOrDefaultAsync<Item>(new CommandDefinition(
            $"{Select} WHERE i.workspace_id = @workspaceId AND i.number = @number", new { workspaceId, number }, cancellationToken: ct)), ct);

    public Task<Item?> FindBySourceAsync(long workspaceId, string channelId, string messageId, CancellationToken ct = default) =>
        db.ReadAsync(c => c.QuerySingleOrDefaultAsync<Item>(new CommandDefinition(
            $"{Select} WHERE i.workspace_id = @workspaceId AND i.source_channel = @channelId AND i.source_message_id = @messageId",
            new { workspaceId, channelId, messageId }, cancellationToken: ct)), ct);

    public Task SetPermalinkAsync(long id, string permalink, CancellationToken ct = default) =>
        db.WriteAsync((c, tx) => c.ExecuteAsync(new CommandDefinition(
            "UPDATE items SET source_permalink = @permalink WHERE id = @id AND source_permalink IS NULL",
            new { id, permalink }, tx, cancellationToken: ct)), ct);

    /// <summary>The item's latest <paramref name="count"/> events, oldest first (a popular item has one per vote).</summary>
    public async Task<IReadOnlyList<ItemEvent>> RecentEventsAsync(long itemId, int count, CancellationToken ct = default) =>
        (await db.ReadAsync(c => c.QueryAsync<ItemEvent>(new CommandDefinition(
            "SELECT * FROM item_events WHERE item_id = @itemId ORDER BY id DESC LIMIT @count", new { itemId, count }, cancellationToken: ct)), ct))
        .Reverse().ToList();

    public async Task<IReadOnlyList<ItemEvent>> EventsAsync(long itemId, CancellationToken ct = default) =>
        (await db.ReadAsync(c => c.QueryAsync<ItemEvent>(new CommandDefinition(
            "SELECT * FROM item_events WHERE item_id = @itemId ORDER BY id", new { itemId }, cancellationToken: ct)), ct)).ToList();
}

public sealed class ItemEvent
{
    public long Id { get; init; }
    public long ItemId { get; init; }
    public string ActorId { get; init; } = "";
    public string Action { get; init; } = "";
    public string? Detail { get; init; }
    public string Platform { get; init; } = "";
    public string? ChannelId { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}

using Dapper;
using SpeBot.Core.Storage;

namespace SpeBot.Core.Oncall;

/// <summary>Who is on call since when (Dapper row).</summary>
public sealed class Shift
{
    public string UserId { get; init; } = "";
    public DateTimeOffset StartedAt { get; init; }
}

/// <summary>A row of <c>shift_notes</c> (Dapper row).</summary>
public sealed class ShiftNote
{
    public long Id { get; init; }
    public long WorkspaceId { get; init; }
    public string AuthorId { get; init; } = "";
    public string Text { get; init; } = "";
    public bool IsToil { get; init; }
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>A note ending in a question mark (ASCII or full-width) is an open question for the next shift.</summary>
    public bool IsQuestion => Text.TrimEnd().EndsWith('?') || Text.TrimEnd().EndsWith('？');
}

/// <summary>Who is on call (<c>oncall_shifts</c>) and what they noted (<c>shift_notes</c>).</summary>
public sealed class ShiftStore(Database db, TimeProvider clock)
{
    public Task<Shift?> CurrentAsync(long workspaceId, CancellationToken ct = default) =>
        db.ReadAsync(c => CurrentAsync(c, null, workspaceId, ct), ct);

    public static Task<Shift?> CurrentAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction? tx, long workspaceId, CancellationToken ct) =>
        c.QueryFirstOrDefaultAsync<Shift>(new CommandDefinition("""
            SELECT user_id AS UserId, started_at AS StartedAt FROM oncall_shifts WHERE workspace_id = @workspaceId
            ORDER BY started_at DESC, id DESC LIMIT 1
            """, new { workspaceId }, tx, cancellationToken: ct));

    public static Task StartAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction tx, long workspaceId, string userId,
                                  string setBy, DateTimeOffset now, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO oncall_shifts (workspace_id, user_id, started_at, set_by, created_at) VALUES (@workspaceId, @userId, @now, @setBy, @now)
            """, new { workspaceId, userId, setBy, now = Iso.Of(now) }, tx, cancellationToken: ct));

    public Task StartAsync(long workspaceId, string userId, string setBy, CancellationToken ct = default) =>
        db.WriteAsync(async (c, tx) =>
        {
            await StartAsync(c, tx, workspaceId, userId, setBy, clock.GetUtcNow(), ct);
            return 0;
        }, ct);

    public Task<long> AddNoteAsync(long workspaceId, string authorId, string text, bool isToil, CancellationToken ct = default) =>
        db.WriteAsync((c, tx) => c.ExecuteScalarAsync<long>(new CommandDefinition("""
            INSERT INTO shift_notes (workspace_id, author_id, text, is_toil, created_at) VALUES (@workspaceId, @authorId, @text, @toil, @now)
            RETURNING id
            """, new { workspaceId, authorId, text, toil = isToil ? 1 : 0, now = Iso.Of(clock.GetUtcNow()) }, tx, cancellationToken: ct)), ct);

    public Task<ShiftNote?> GetNoteAsync(long id, CancellationToken ct = default) =>
        db.ReadAsync(c => c.QuerySingleOrDefaultAsync<ShiftNote>(new CommandDefinition(
            "SELECT * FROM shift_notes WHERE id = @id", new { id }, cancellationToken: ct)), ct);

    /// <summary>Notes written in [from, to], oldest first.</summary>
    public async Task<IReadOnlyList<ShiftNote>> NotesAsync(long workspaceId, DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default) =>
        (await db.ReadAsync(c => c.QueryAsync<ShiftNote>(new CommandDefinition("""
            SELECT * FROM shift_notes WHERE workspace_id = @workspaceId AND created_at >= @from AND created_at <= @to ORDER BY created_at, id
            """, new { workspaceId, from = Iso.Of(from), to = Iso.Of(to) }, cancellationToken: ct)), ct)).ToList();
}

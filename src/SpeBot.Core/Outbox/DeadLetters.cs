using Dapper;
using SpeBot.Core.Storage;

namespace SpeBot.Core.Outbox;

/// <summary>One outbox row as an operator sees it: where it goes and why it is stuck, never its body (people's text).</summary>
public sealed class OutboxEntry
{
    public long Id { get; init; }
    public string Platform { get; init; } = "";
    public long WorkspaceId { get; init; }
    public string ChannelId { get; init; } = "";
    public string Kind { get; init; } = "";
    public string Status { get; init; } = "";
    public int Attempts { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset NextAttemptAt { get; init; }
    public string? LastError { get; init; }
}

/// <summary>
/// Looking at the outbox and sending dead letters again, for the admin command line (every workspace) and
/// <c>/spe admin outbox</c> (one workspace). A retried row is pending again with its attempts reset, due now; the
/// running dispatcher picks it up at its next poll.
/// </summary>
public sealed class DeadLetters(Database db, TimeProvider clock)
{
    public Task<IReadOnlyList<OutboxEntry>> ListAsync(bool dead, long? workspaceId, int limit, CancellationToken ct = default) =>
        db.ReadAsync<IReadOnlyList<OutboxEntry>>(async c => [.. await c.QueryAsync<OutboxEntry>(new CommandDefinition("""
            SELECT id, platform, workspace_id, channel_id, kind, status, attempts, created_at, next_attempt_at, last_error
            FROM outbox
            WHERE status = @status AND (@workspaceId IS NULL OR workspace_id = @workspaceId)
            ORDER BY id DESC LIMIT @limit
            """, new { status = dead ? "dead" : "pending", workspaceId, limit }, cancellationToken: ct))], ct);

    public Task<long> CountAsync(bool dead, long? workspaceId, CancellationToken ct = default) =>
        db.ReadAsync(c => c.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM outbox WHERE status = @status AND (@workspaceId IS NULL OR workspace_id = @workspaceId)",
            new { status = dead ? "dead" : "pending", workspaceId }, cancellationToken: ct)), ct);

    /// <summary>Requeues one dead row (of the workspace, when given); false when there is no such dead row.</summary>
    public async Task<bool> RetryAsync(long id, long? workspaceId, CancellationToken ct = default) =>
        await RequeueAsync("id = @id AND (@workspaceId IS NULL OR workspace_id = @workspaceId)", new { id, workspaceId }, ct) > 0;

    /// <summary>Requeues every dead row (of the workspace, when given); how many.</summary>
    public Task<int> RetryAllAsync(long? workspaceId, CancellationToken ct = default) =>
        RequeueAsync("(@workspaceId IS NULL OR workspace_id = @workspaceId)", new { workspaceId }, ct);

    private Task<int> RequeueAsync(string where, object args, CancellationToken ct)
    {
        var p = new DynamicParameters(args);
        p.Add("now", Iso.Of(clock.GetUtcNow()));
        return db.WriteAsync((c, tx) => c.ExecuteAsync(new CommandDefinition($"""
            UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = @now, locked_until = NULL, last_error = NULL
            WHERE status = 'dead' AND {where}
            """, p, tx, cancellationToken: ct)), ct);
    }
}

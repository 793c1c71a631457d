using System.Data.Common;
using Dapper;
using SpeBot.Core.Storage;

namespace SpeBot.Core.Oncall;

/// <summary>A row of <c>handoffs</c> (Dapper row).</summary>
public sealed class Handoff
{
    public long Id { get; init; }
    public long WorkspaceId { get; init; }
    public string Platform { get; init; } = "slack";
    public string ChannelId { get; init; } = "";
    public string? OutgoingId { get; init; }
    public string? IncomingId { get; init; }
    public DateTimeOffset ShiftFrom { get; init; }
    public DateTimeOffset ShiftTo { get; init; }
    public DateTimeOffset? AckedAt { get; init; }
    public DateTimeOffset? RemindAt { get; init; }
    public DateTimeOffset? RemindedAt { get; init; }
}

/// <summary>The <c>handoffs</c> table: one row per handoff key, the ack and the once-only reminder claim.</summary>
public static class HandoffStore
{
    private const string Select = """
        SELECT h.id, h.workspace_id, w.platform, h.channel_id, h.outgoing_id, h.incoming_id, h.shift_from, h.shift_to,
               h.acked_at, h.remind_at, h.reminded_at
        FROM handoffs h JOIN workspaces w ON w.id = h.workspace_id
        """;

    /// <summary>Null when the key was already used (a retried or doubled handoff).</summary>
    public static Task<long?> InsertAsync(DbConnection c, DbTransaction tx, long workspaceId, string channelId, string refKey, string? outgoing,
                                          string? incoming, DateTimeOffset from, DateTimeOffset to, DateTimeOffset? remindAt, CancellationToken ct) =>
        c.ExecuteScalarAsync<long?>(new CommandDefinition("""
            INSERT INTO handoffs (workspace_id, channel_id, ref_key, outgoing_id, incoming_id, shift_from, shift_to, remind_at, created_at)
            VALUES (@workspaceId, @channelId, @refKey, @outgoing, @incoming, @from, @to, @remindAt, @to)
            ON CONFLICT (ref_key) DO NOTHING
            RETURNING id
            """, new { workspaceId, channelId, refKey, outgoing, incoming, from = Iso.Of(from), to = Iso.Of(to),
                       remindAt = remindAt is { } r ? Iso.Of(r) : null }, tx, cancellationToken: ct));

    public static Task<Handoff?> GetAsync(DbConnection c, DbTransaction? tx, long id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<Handoff>(new CommandDefinition($"{Select} WHERE h.id = @id", new { id }, tx, cancellationToken: ct));

    /// <summary>Handoffs still waiting for an ack whose reminder has not gone out.</summary>
    public static async Task<IReadOnlyList<Handoff>> AwaitingAckAsync(DbConnection c, CancellationToken ct) =>
        (await c.QueryAsync<Handoff>(new CommandDefinition(
            $"{Select} WHERE h.acked_at IS NULL AND h.reminded_at IS NULL AND h.remind_at IS NOT NULL ORDER BY h.id", cancellationToken: ct))).ToList();

    /// <summary>Only the incoming person acks, once.</summary>
    public static async Task<bool> AckAsync(DbConnection c, DbTransaction tx, long id, string userId, DateTimeOffset now, CancellationToken ct) =>
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE handoffs SET acked_at = @now WHERE id = @id AND incoming_id = @userId AND acked_at IS NULL",
            new { id, userId, now = Iso.Of(now) }, tx, cancellationToken: ct)) > 0;

    /// <summary>The reminder claim: true for exactly one caller, and only while unacked and due.</summary>
    public static async Task<bool> ClaimReminderAsync(DbConnection c, DbTransaction tx, long id, DateTimeOffset now, CancellationToken ct) =>
        await c.ExecuteScalarAsync<long?>(new CommandDefinition("""
            UPDATE handoffs SET reminded_at = @now
            WHERE id = @id AND acked_at IS NULL AND reminded_at IS NULL AND remind_at IS NOT NULL AND remind_at <= @now
            RETURNING id
            """, new { id, now = Iso.Of(now) }, tx, cancellationToken: ct)) is not null;
}

using System.Data.Common;
using Dapper;
using SpeBot.Core.Storage;

namespace SpeBot.Core.Discovery;

/// <summary>Discovery sources a workspace's maintainers silenced; a muted source proposes nothing there until unmuted.</summary>
public sealed class MutedSources(Database db, TimeProvider clock)
{
    public static async Task<bool> IsMutedAsync(DbConnection c, DbTransaction? tx, long workspaceId, string source, CancellationToken ct) =>
        await c.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM muted_sources WHERE workspace_id = @workspaceId AND source = @source",
            new { workspaceId, source }, tx, cancellationToken: ct)) > 0;

    /// <summary>True when it was not muted before.</summary>
    public Task<bool> MuteAsync(long workspaceId, string source, string userId, CancellationToken ct = default) =>
        db.WriteAsync(async (c, tx) => await c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO muted_sources (workspace_id, source, muted_by, muted_at) VALUES (@workspaceId, @source, @userId, @now)
            ON CONFLICT (workspace_id, source) DO NOTHING
            """, new { workspaceId, source, userId, now = Iso.Of(clock.GetUtcNow()) }, tx, cancellationToken: ct)) > 0, ct);

    /// <summary>True when it was muted.</summary>
    public Task<bool> UnmuteAsync(long workspaceId, string source, CancellationToken ct = default) =>
        db.WriteAsync(async (c, tx) => await c.ExecuteAsync(new CommandDefinition(
            "DELETE FROM muted_sources WHERE workspace_id = @workspaceId AND source = @source",
            new { workspaceId, source }, tx, cancellationToken: ct)) > 0, ct);

    public async Task<IReadOnlyList<string>> ListAsync(long workspaceId, CancellationToken ct = default) =>
        (await db.ReadAsync(c => c.QueryAsync<string>(new CommandDefinition(
            "SELECT source FROM muted_sources WHERE workspace_id = @workspaceId ORDER BY source", new { workspaceId }, cancellationToken: ct)), ct)).ToList();
}

using Dapper;
using SpeBot.Core.Storage;

namespace SpeBot.Core.Discovery;

/// <summary>A watched endpoint and its last result (Dapper row of <c>watch_endpoints</c>).</summary>
public sealed class WatchEndpoint
{
    public long Id { get; init; }
    public long WorkspaceId { get; init; }
    public string ChannelId { get; init; } = "";
    public string Host { get; init; } = "";
    public int Port { get; init; }
    public string AddedBy { get; init; } = "";
    public string? LastPeriod { get; init; }
    public DateTimeOffset? CheckedAt { get; init; }
    public DateTimeOffset? NotAfter { get; init; }
    public string? TlsVersions { get; init; }
    public string? Error { get; init; }

    public string Name => Port == 443 ? Host : $"{Host}:{Port}";
}

/// <summary>The endpoints <c>/spe watch</c> added.</summary>
public sealed class WatchStore(Database db, TimeProvider clock)
{
    /// <summary>False when the workspace already watches it.</summary>
    public Task<bool> AddAsync(long workspaceId, string channelId, string host, int port, string userId, CancellationToken ct = default) =>
        db.WriteAsync(async (c, tx) => await c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO watch_endpoints (workspace_id, channel_id, host, port, added_by, created_at)
            VALUES (@workspaceId, @channelId, @host, @port, @userId, @now)
            ON CONFLICT (workspace_id, host, port) DO NOTHING
            """, new { workspaceId, channelId, host, port, userId, now = Iso.Of(clock.GetUtcNow()) }, tx, cancellationToken: ct)) > 0, ct);

    public Task<bool> RemoveAsync(long workspaceId, string host, int port, CancellationToken ct = default) =>
        db.WriteAsync(async (c, tx) => await c.ExecuteAsync(new CommandDefinition(
            "DELETE FROM watch_endpoints WHERE workspace_id = @workspaceId AND host = @host AND port = @port",
            new { workspaceId, host, port }, tx, cancellationToken: ct)) > 0, ct);

    public async Task<IReadOnlyList<WatchEndpoint>> ListAsync(long workspaceId, CancellationToken ct = default) =>
        (await db.ReadAsync(c => c.QueryAsync<WatchEndpoint>(new CommandDefinition(
            "SELECT * FROM watch_endpoints WHERE workspace_id = @workspaceId ORDER BY host, port", new { workspaceId }, cancellationToken: ct)), ct)).ToList();

    /// <summary>Endpoints not yet checked in <paramref name="period"/>, in any workspace.</summary>
    public async Task<IReadOnlyList<WatchEndpoint>> DueAsync(string period, CancellationToken ct = default) =>
        (await db.ReadAsync(c => c.QueryAsync<WatchEndpoint>(new CommandDefinition(
            "SELECT * FROM watch_endpoints WHERE last_period IS NULL OR last_period < @period ORDER BY id", new { period }, cancellationToken: ct)), ct)).ToList();

    public Task<int> CountAsync(long workspaceId, CancellationToken ct = default) =>
        db.ReadAsync(c => c.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COUNT(*) FROM watch_endpoints WHERE workspace_id = @workspaceId", new { workspaceId }, cancellationToken: ct)), ct);
}

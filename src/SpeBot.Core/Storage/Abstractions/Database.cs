using System.Data.Common;

namespace SpeBot.Core.Storage;

/// <summary>
/// The database every store takes: pooled connections for reads, and <see cref="WriteAsync{T}"/> for writes, which
/// returns once the work is durable. <see cref="SqliteDatabase"/> commits in groups on one writer thread;
/// <see cref="PostgresDatabase"/> runs each write as its own transaction on a pooled connection. Stores pick their few
/// dialect-specific statements from <see cref="Provider"/>. (In its own folder so that git follows the SQLite
/// implementation, which was this file, to SqliteDatabase.cs.)
/// </summary>
public abstract class Database : IAsyncDisposable
{
    public abstract StorageProvider Provider { get; }

    /// <summary>A pooled connection for reads (and for callers that manage their own transaction).</summary>
    public abstract Task<DbConnection> OpenAsync(CancellationToken ct = default);

    public async Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        return await work(connection);
    }

    /// <summary>
    /// Runs <paramref name="work"/> atomically and returns once it is committed to disk. The work must use only
    /// the given connection and transaction and must not call <see cref="WriteAsync{T}"/> itself: it may run more than
    /// once (after a rolled-back first run: a failing neighbour in SQLite's group commit, a serialization failure or
    /// deadlock on PostgreSQL), so anything it changed outside the database would happen twice.
    /// </summary>
    public abstract Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct = default);

    public abstract ValueTask DisposeAsync();
}

using System.Data;
using System.Data.Common;
using Microsoft.Extensions.Options;
using Npgsql;

namespace SpeBot.Core.Storage;

/// <summary>
/// PostgreSQL access through one <see cref="NpgsqlDataSource"/> (its pool serves every instance's reads and writes).
/// Unlike SQLite there is no single writer: each <see cref="WriteAsync{T}"/> is its own transaction on a pooled
/// connection, committed before the call returns (<c>synchronous_commit=on</c> is forced on the session, so "acked" means
/// "flushed to the server's WAL"), and PostgreSQL's own group commit shares one WAL flush among the commits that wait
/// for it at once.
///
/// Isolation: READ COMMITTED, with the read-then-write jobs made safe by the statements themselves rather than by
/// SERIALIZABLE. Every job was written for SQLite's single writer, where a read inside a job cannot go stale; on
/// READ COMMITTED each such job uses one of these instead (audit of the jobs that read then write):
/// <list type="bullet">
/// <item>item numbers (<c>ItemStore.CreateAsync</c>): a transaction-scoped advisory lock per workspace
/// (<see cref="AdvisoryLocks.ItemNumber"/>) taken just before the <c>MAX(number) + 1</c> insert, so numbers stay gap-free
/// (a rolled-back proposal frees its number) and unique; it is held until commit, so take it as late as possible;</item>
/// <item>inbox, schedule-run claims, reaction states, votes, welcomes, first maintainer, dashboard links: one
/// <c>INSERT … ON CONFLICT</c> or a conditional <c>UPDATE … WHERE</c> whose row count or <c>RETURNING</c> says who won
/// (PostgreSQL re-checks the WHERE on the newest row version after waiting for a concurrent writer);</item>
/// <item>lifecycle changes (claim, accept, done, …): the item row is read <c>FOR UPDATE</c> where the provider is
/// PostgreSQL, so two changes to one item run one after the other as they did on SQLite.</item>
/// </list>
/// SERIALIZABLE would need no such care but fails and retries every concurrent pair of proposals into one workspace (both
/// read the same MAX(number)), which is the benchmark's whole load. Deadlocks and serialization failures that remain
/// possible (two jobs locking rows in different orders) are retried here, a bounded number of times: jobs are written
/// to be re-run after a rollback (see <see cref="Database.WriteAsync{T}"/>).
/// </summary>
public sealed class PostgresDatabase : Database
{
    /// <summary>Attempts per write when PostgreSQL reports a serialization failure (40001) or a deadlock (40P01).</summary>
    public const int MaxAttempts = 5;

    private readonly NpgsqlDataSource _source;
    private int _disposed;

    public PostgresDatabase(IOptions<StorageOptions> options)
        : this(options.Value.ConnectionString ?? throw new InvalidOperationException("Storage:ConnectionString must be set when Storage:Provider is postgres."))
    {
    }

    public PostgresDatabase(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        var cs = builder.ConnectionStringBuilder;
        // The stores run a few dozen distinct statements over and over: Npgsql prepares each after its second use on a
        // pooled connection (server-side plans, no re-parse), unless the operator chose otherwise.
        if (cs.MaxAutoPrepare == 0) cs.MaxAutoPrepare = 128;
        if (cs.AutoPrepareMinUsages == 5) cs.AutoPrepareMinUsages = 2;
        if (string.IsNullOrEmpty(cs.ApplicationName)) cs.ApplicationName = "SpeBot";
        // An acked write must be on disk whatever the server's default says (a role or database may turn it off).
        cs.Options = string.IsNullOrWhiteSpace(cs.Options) ? "-c synchronous_commit=on" : cs.Options + " -c synchronous_commit=on";
        _source = builder.Build();
        Where = $"PostgreSQL database {cs.Database ?? cs.Username} on {cs.Host}:{cs.Port}";
        TypeHandlers.Register();
    }

    public override StorageProvider Provider => StorageProvider.Postgres;

    /// <summary>Database, host and port, for logs: the connection string itself may hold a password.</summary>
    public string Where { get; }

    /// <summary>The data source, for code that needs Npgsql itself (bulk copy); stores use <see cref="OpenAsync"/>.</summary>
    public NpgsqlDataSource DataSource => _source;

    public override async Task<DbConnection> OpenAsync(CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        return await _source.OpenConnectionAsync(ct);
    }

    public override async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        using var span = Telemetry.Source.HasListeners() ? Telemetry.Source.StartActivity("spebot.db.write") : null;
        span?.SetTag("db.system.name", "postgresql");
        for (var attempt = 1; ; attempt++)
        {
            await using var connection = await _source.OpenConnectionAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
            try
            {
                var result = await work(connection, tx);
                await tx.CommitAsync(ct);
                span?.SetTag("spebot.db.attempts", attempt);
                return result;
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected
                                              && attempt < MaxAttempts && !ct.IsCancellationRequested)
            {
                // Rolled back by the server already; the dispose below returns the connection. A short, growing, jittered
                // pause lets the other transaction finish before this one runs again.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10) * attempt), ct);
            }
        }
    }

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _source.DisposeAsync();
    }
}

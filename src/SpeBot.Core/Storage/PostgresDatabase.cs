using System.Data;
using System.Data.Common;
using Microsoft.Extensions.Options;
using Npgsql;

namespace SpeBot.Core.Storage;

/// <summary>
/// PostgreSQL access through one <see cref="NpgsqlDataSource"/> (its pool serves every instance's reads and writes).
/// Unlike SQLite there is no single writer: each <see cref="WriteAsync{T}"/> is its own transaction on a pooled
/// connection, committed and flushed to the server's WAL before the call returns (<c>synchronous_commit=on</c> is forced
/// on the session; see <see cref="Flush"/> for how a write's locks are released before its fsync), and PostgreSQL's
/// own group commit shares one WAL flush among the commits that wait for it at once.
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
        // A connection going back to the pool is not reset (DISCARD ALL, seven statements on the server: more server time
        // than a /healthz read itself): SpeBot leaves no session state behind, its settings are SET LOCAL, its advisory
        // locks transaction-scoped, its prepared statements kept.
        if (!Names(connectionString, "No Reset On Close")) cs.NoResetOnClose = true;
        // Npgsql hands out its idle connections in turn, so every connection a pool ever opened stays in use: at its default
        // of 100, a burst of requests left each instance working 100 server processes, each with its own plan cache (so
        // the batch statement was planned afresh every other call) and its own cold pages. On the 2-core benchmark
        // machine two instances then proposed at 82 % of one instance's rate; with 16 each, at 99 %, one instance as fast
        // as before and /healthz faster. Requests beyond 16 at once wait for a connection rather than the server juggling
        // more processes than it has cores. An operator's own Maximum Pool Size wins.
        if (!Names(connectionString, "Maximum Pool Size")) cs.MaxPoolSize = DefaultMaxPoolSize;
        // An acked write must be on disk whatever the server's default says (a role or database may turn it off).
        cs.Options = string.IsNullOrWhiteSpace(cs.Options) ? "-c synchronous_commit=on" : cs.Options + " -c synchronous_commit=on";
        _source = builder.Build();
        Where = $"PostgreSQL database {cs.Database ?? cs.Username} on {cs.Host}:{cs.Port}";
        TypeHandlers.Register();
    }

    /// <summary>Connections per instance unless the connection string says otherwise (Npgsql's own default is 100).</summary>
    public const int DefaultMaxPoolSize = 16;

    /// <summary>Whether the connection string sets <paramref name="keyword"/>, spelt as Npgsql accepts it (any case, with or without spaces, or a synonym such as MaxPoolSize).</summary>
    private static bool Names(string connectionString, string keyword)
    {
        static string Bare(string k) => k.Replace(" ", "", StringComparison.Ordinal).Replace("imum", "", StringComparison.OrdinalIgnoreCase);
        var parsed = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        return parsed.Keys.Cast<string>().Any(k => string.Equals(Bare(k), Bare(keyword), StringComparison.OrdinalIgnoreCase));
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
            try
            {
                await using (var tx = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct))
                {
                    // Sent with the BEGIN, in one round trip. See Flush: the commit does not wait for the disk...
                    await using (var relaxed = new NpgsqlCommand("SET LOCAL synchronous_commit = off", connection, tx))
                        await relaxed.ExecuteNonQueryAsync(ct);
                    var result = await work(connection, tx);
                    // ...the flush does, before the caller is answered; both in one round trip (Npgsql sees the transaction
                    // end in the server's answer and completes tx, so its dispose sends nothing).
                    await using (var commit = new NpgsqlCommand($"COMMIT; {Flush}", connection, tx)) await commit.ExecuteNonQueryAsync(ct);
                    span?.SetTag("spebot.db.attempts", attempt);
                    return result;
                }
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected
                                              && attempt < MaxAttempts && !ct.IsCancellationRequested)
            {
                // Rolled back by the server already; the dispose returned the connection. A short, growing, jittered pause
                // lets the other transaction finish before this one runs again.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10) * attempt), ct);
            }
        }
    }

    /// <summary>
    /// A write whose statements go to the server in one round trip, as one transaction (BEGIN, asynchronous commit,
    /// <paramref name="commands"/>, COMMIT) followed by its WAL flush (see <see cref="Flush"/>), for writes that hold a
    /// lock many others wait for (a workspace's number lock, <c>ProposalBatch</c>): with a round trip per statement the
    /// lock was held while the client received each answer and sent the next statement, which waited for a free thread of
    /// a busy bot, and the flush was one more trip after the commit. <paramref name="result"/> is called for each result
    /// set of the commands that has columns (it skips those without the columns it wants); <paramref name="committed"/>
    /// runs once the transaction has committed, before its flush has reached the disk. Deadlocks and serialization
    /// failures are retried as in <see cref="WriteAsync{T}"/>.
    /// </summary>
    public async Task WriteInOneTripAsync(Func<IReadOnlyList<NpgsqlBatchCommand>> commands, Func<NpgsqlDataReader, Task> result,
                                          Action? committed, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        using var span = Telemetry.Source.HasListeners() ? Telemetry.Source.StartActivity("spebot.db.write") : null;
        span?.SetTag("db.system.name", "postgresql");
        for (var attempt = 1; ; attempt++)
        {
            span?.SetTag("spebot.db.attempts", attempt);
            await using var connection = await _source.OpenConnectionAsync(ct);
            await using var batch = new NpgsqlBatch(connection);
            batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN ISOLATION LEVEL READ COMMITTED"));
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL synchronous_commit = off"));
            foreach (var command in commands()) batch.BatchCommands.Add(command);
            batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
            // The flush, in the same trip. The server sends its answers only at a Sync, which Npgsql puts at the end of the
            // batch and after each error barrier: the barrier after the flush's first row lets the commit be seen (and the
            // caller go on) while the flush waits for the disk. An error before the COMMIT leaves the transaction aborted,
            // so every later statement fails too and nothing commits; the catch below ends it.
            batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
            batch.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT txid_current() AS {FlushMark}") { AppendErrorBarrier = true });
            batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
            try
            {
                await using (var reader = await batch.ExecuteReaderAsync(ct))
                {
                    do
                    {
                        if (reader.FieldCount == 1 && reader.GetName(0) == FlushMark) committed?.Invoke();
                        else if (reader.FieldCount > 0) await result(reader);
                    }
                    while (await reader.NextResultAsync(ct));
                }
                return;
            }
            catch (PostgresException e)
            {
                // The statements after the failing one failed or were skipped, both COMMITs with them: end the failed
                // transaction here rather than leave it to whoever takes the connection from the pool next.
                await using (var rollback = new NpgsqlCommand("ROLLBACK", connection)) await rollback.ExecuteNonQueryAsync(CancellationToken.None);
                if (e.SqlState is not (PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected) || attempt >= MaxAttempts
                    || ct.IsCancellationRequested) throw;
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10) * attempt), ct);
            }
        }
    }

    private const string FlushMark = "spebot_committed";

    /// <summary>
    /// The flush: sent after a write's COMMIT on its connection, it returns once that write is in the WAL on disk.
    /// A write's transaction commits with synchronous_commit off, so the server releases its locks as soon as the commit
    /// record is written, not after the WAL flush: the locks a proposal holds to its commit (its workspace's number
    /// lock, the item_counts row its trigger updates) would otherwise serialise every proposal of one workspace behind
    /// each commit's fsync (measured: 106 proposals/s into one workspace against 539/s into 32, fsync on). Then a tiny
    /// transaction that takes a transaction id commits synchronously (session default, forced on): its commit record
    /// comes after the write's in the WAL, and the WAL is flushed in order, so when it returns the write is on disk too,
    /// and concurrent flushes share one fsync (PostgreSQL's group commit). The caller is answered only after that, so an
    /// acked write survives a crash as before; what changes is that another session may read a row up to one fsync
    /// before it is durable (as with any asynchronous commit). If the server crashed in that window, neither the row
    /// nor anything written after it is kept (the WAL replays in order), and nobody was told it was stored.
    /// </summary>
    private const string Flush = "BEGIN; SELECT txid_current(); COMMIT";

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _source.DisposeAsync();
    }
}

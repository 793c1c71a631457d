using System.Data.Common;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace SpeBot.Core.Storage;

/// <summary>
/// SQLite access. Reads use pooled connections (WAL lets them run beside the writer). Writes go through one
/// writer connection on its own thread that commits in groups: every job queued while a commit is in progress
/// joins the next transaction (a failing job is undone alone, see Commit), so one fsync makes many acks durable
/// and no writer busy-waits. SQLite calls complete synchronously, so the thread runs each job to the end without
/// thread-pool hops; callers resume on the pool.
/// With Synchronous=FULL SQLite fsyncs the WAL inside each group's commit, before readers can see it, so "acked"
/// means "survives power loss". Jobs that arrive during that fsync make the next group bigger. (A second thread that
/// fsynced while the writer ran the next group was no faster: every hand-over between the two threads waited for a
/// core, and a row could be read before it was durable.)
/// </summary>
public sealed class SqliteDatabase : Database
{
    private const int MaxBatch = 128;
    // Group commit at work, for operators and the benchmark: writes per commit is what one fsync buys.
    private static readonly System.Diagnostics.Metrics.Meter Meter = new("SpeBot.Storage");
    private static readonly System.Diagnostics.Metrics.Counter<long> Commits = Meter.CreateCounter<long>("spebot.db.commits");
    private static readonly System.Diagnostics.Metrics.Counter<long> Writes = Meter.CreateCounter<long>("spebot.db.writes");
    private readonly string _connectionString;
    private readonly int _busyTimeoutMs;
    private readonly string _synchronous;
    private readonly Channel<WriteJob> _writes = Channel.CreateUnbounded<WriteJob>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lazy<Task> _writer;
    private readonly TaskCompletionSource _writerDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();

    public SqliteDatabase(IOptions<StorageOptions> options)
    {
        var o = options.Value;
        var full = System.IO.Path.GetFullPath(o.Path);
        var folder = System.IO.Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            ForeignKeys = true,
            DefaultTimeout = Math.Max(1, o.BusyTimeoutMs / 1000),
        }.ToString();
        _busyTimeoutMs = o.BusyTimeoutMs;
        _synchronous = o.Synchronous.Equals("NORMAL", StringComparison.OrdinalIgnoreCase) ? "NORMAL" : "FULL";
        FilePath = full;
        _writer = new Lazy<Task>(() =>
        {
            new Thread(WriterLoop) { IsBackground = true, Name = "spebot-writer" }.Start();
            return _writerDone.Task;
        });
        TypeHandlers.Register();
    }

    public string FilePath { get; }

    public override StorageProvider Provider => StorageProvider.Sqlite;

    /// <summary>A pooled connection for reads (and for callers that manage their own transaction).</summary>
    public override async Task<DbConnection> OpenAsync(CancellationToken ct = default)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct);
        return connection;
    }

    /// <summary>
    /// Runs <paramref name="work"/> atomically and returns once it is committed to disk. The work must use only
    /// the given connection and transaction and must not call <see cref="WriteAsync{T}"/> itself: when another job
    /// of its group fails, it runs a second time after the first run was rolled back, so anything it changed
    /// outside the database would happen twice.
    /// </summary>
    public override async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
        _ = _writer.Value;
        // The caller's span, so the group commit shows in its trace and rows queued by the work remember it (only looked up
        // while traces are exported).
        var parent = Telemetry.Source.HasListeners() ? System.Diagnostics.Activity.Current : null;
        var job = new WriteJob(async (c, tx) => await work(c, tx), ct, parent);
        if (!_writes.Writer.TryWrite(job))
        {
            // Closed: the writer failed to start (its reason is the answer) or the database is shutting down.
            if (_writerDone.Task.Exception?.InnerException is { } reason) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(reason);
            throw new ObjectDisposedException(nameof(Database));
        }
        return (T)(await job.Done.Task)!;
    }

    private void WriterLoop()
    {
        var reader = _writes.Reader;
        try
        {
            using var connection = new SqliteConnection(_connectionString);
            connection.Open();
            using (var pragma = connection.CreateCommand())
            {
                // Statement and savepoint journals stay in memory: a temp file each would cost syscalls on the writer.
                // The writer's page cache holds the hot indexes (inbox keys, reaction states, votes) that outgrow the
                // 2 MB default within days; a miss is a read syscall inside the one thread every write waits for.
                // FULL (default): each commit fsyncs the WAL, so an acked write survives power loss, not only a crash.
                // The writer checkpoints every 4,000 WAL frames (16 MB) rather than SQLite's 1,000: a checkpoint copies each
                // page once however often it changed, and the hot index pages change in every commit, so the longer window
                // copies fewer pages per write and pays the checkpoint's two fsyncs a quarter as often.
                pragma.CommandText = $"PRAGMA journal_mode=WAL; PRAGMA synchronous={_synchronous}; PRAGMA busy_timeout={_busyTimeoutMs}; " +
                                     "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456; " +
                                     "PRAGMA wal_autocheckpoint=4000;";
                pragma.ExecuteNonQuery();
            }
            try
            {
                RunGroups(connection);
            }
            finally
            {
                Prepared.Forget(connection);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // The writer connection could not open (disk, permissions): every queued and later write learns why.
            _writerDone.TrySetException(e);
            _writes.Writer.TryComplete(e);
            while (reader.TryRead(out var failed)) failed.Done.TrySetException(e);
            return;
        }
        finally
        {
            while (reader.TryRead(out var left)) left.Done.TrySetException(new ObjectDisposedException(nameof(Database)));
        }
        _writerDone.TrySetResult();
    }

    private void RunGroups(SqliteConnection connection)
    {
        var reader = _writes.Reader;
        var batch = new List<WriteJob>(MaxBatch);
        while (reader.WaitToReadAsync(_stopping.Token).AsTask().GetAwaiter().GetResult())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && reader.TryRead(out var job))
            {
                if (job.Cancel.IsCancellationRequested) job.Done.TrySetCanceled(job.Cancel);
                else batch.Add(job);
            }
            if (batch.Count == 0) continue;
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var committed = Commit(connection, batch);
            Commits.Add(1);
            Writes.Add(batch.Count);
            TraceGroup(batch, System.Diagnostics.Stopwatch.GetElapsedTime(started));
            foreach (var (job, result) in committed) job.Done.TrySetResult(result);
        }
    }

    /// <summary>
    /// One group commit serves many requests, so each traced request gets its own child span for it, from the start of
    /// the group's transaction to its commit (fsync included), with the group's size.
    /// </summary>
    private static void TraceGroup(List<WriteJob> batch, TimeSpan took)
    {
        if (!Telemetry.Source.HasListeners()) return;
        foreach (var job in batch)
        {
            if (job.Parent is null) continue;
            // Started now and moved back by the commit's duration: spans keep their own clock, SpeBot reads none here.
            using var span = Telemetry.Source.StartActivity("spebot.db.group_commit", System.Diagnostics.ActivityKind.Internal, job.Parent.Context);
            if (span is null) continue;
            span.SetStartTime(span.StartTimeUtc - took);
            span.SetTag("db.system.name", "sqlite");
            span.SetTag("spebot.db.group_size", batch.Count);
        }
    }

    /// <summary>
    /// Runs the group in one transaction; returns the jobs that committed (failed ones are answered here).
    /// The group first runs without savepoints: a savepoint makes SQLite copy every page a job touches that an earlier
    /// job already changed (the table and index leaves every proposal shares), which cost about a fifth of the writer's
    /// time per job. If a job fails, the transaction is rolled back and the group runs again with a savepoint per job,
    /// so only the failing job is undone. A job may therefore run twice; its work must touch nothing but the given
    /// connection and transaction (<see cref="WriteAsync{T}"/> says so).
    /// </summary>
    private static List<(WriteJob Job, object? Result)> Commit(SqliteConnection connection, List<WriteJob> batch)
    {
        var results = new object?[batch.Count];
        Exception? failed = null;
        try
        {
            using var tx = connection.BeginTransaction();
            for (var i = 0; i < batch.Count && failed is null; i++)
            {
                try
                {
                    results[i] = Run(batch[i], connection, tx);
                }
                catch (Exception e)
                {
                    failed = e;
                }
            }
            if (failed is null) tx.Commit();
            else tx.Rollback();
        }
        catch (Exception e)
        {
            foreach (var job in batch) job.Done.TrySetException(e);
            return [];
        }
        if (failed is null) return [.. batch.Select((job, i) => (job, results[i]))];
        if (batch.Count == 1)
        {
            batch[0].Done.TrySetException(failed);
            return [];
        }
        return CommitEachInSavepoint(connection, batch);
    }

    /// <summary>Runs one job's work on the writer thread, as if inside its caller's span (rows it queues carry that trace).</summary>
    private static object? Run(WriteJob job, SqliteConnection connection, SqliteTransaction tx)
    {
        if (job.Parent is null) return job.Work(connection, tx).GetAwaiter().GetResult();
        System.Diagnostics.Activity.Current = job.Parent;
        try
        {
            return job.Work(connection, tx).GetAwaiter().GetResult();
        }
        finally
        {
            System.Diagnostics.Activity.Current = null;
        }
    }

    /// <summary>The group again, each job in its own savepoint: a failure undoes that job only and the rest commit.</summary>
    private static List<(WriteJob Job, object? Result)> CommitEachInSavepoint(SqliteConnection connection, List<WriteJob> batch)
    {
        var results = new object?[batch.Count];
        var failures = new Exception?[batch.Count];
        try
        {
            using var tx = connection.BeginTransaction();
            for (var i = 0; i < batch.Count; i++)
            {
                // Kept prepared on the writer connection: SqliteTransaction.Save/Release parse their SQL on every call.
                connection.RunAsync(tx, "SAVEPOINT job", CancellationToken.None).GetAwaiter().GetResult();
                try
                {
                    results[i] = Run(batch[i], connection, tx);
                    connection.RunAsync(tx, "RELEASE job", CancellationToken.None).GetAwaiter().GetResult();
                }
                catch (Exception e)
                {
                    tx.Rollback("job");
                    tx.Release("job");
                    failures[i] = e;
                }
            }
            tx.Commit();
        }
        catch (Exception e)
        {
            foreach (var job in batch) job.Done.TrySetException(e);
            return [];
        }
        var committed = new List<(WriteJob Job, object? Result)>(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            if (failures[i] is { } f) batch[i].Done.TrySetException(f);
            else committed.Add((batch[i], results[i]));
        }
        return committed;
    }

    public override async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested) return;
        _writes.Writer.TryComplete();
        if (_writer.IsValueCreated)
        {
            try
            {
                await _writer.Value.WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (TimeoutException)
            {
                await _stopping.CancelAsync();
            }
            catch (Exception)
            {
                // The writer already failed every write that was waiting, with the reason; nothing is left to stop.
            }
        }
        await _stopping.CancelAsync();
        _stopping.Dispose();
    }

    private sealed record WriteJob(Func<DbConnection, DbTransaction, Task<object?>> Work, CancellationToken Cancel,
                                   System.Diagnostics.Activity? Parent)
    {
        public TaskCompletionSource<object?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

using Dapper;
using Microsoft.Data.Sqlite;
using SpeBot.Core.Storage;
using SpeBot.Tests.Support;
using Xunit;

namespace SpeBot.Tests.Core;

public sealed class DatabaseWriterTests
{
    [Fact]
    public async Task Concurrent_writes_are_all_acknowledged_and_all_on_disk()
    {
        using var t = new TestDatabase();
        await t.Db.WriteAsync((c, tx) => c.ExecuteAsync("CREATE TABLE probe (n INTEGER PRIMARY KEY)", transaction: tx));

        await Task.WhenAll(Enumerable.Range(1, 200).Select(n =>
            t.Db.WriteAsync((c, tx) => c.RunAsync(tx, "INSERT INTO probe (n) VALUES (@n)", CancellationToken.None, ("@n", n)))));

        // A fresh connection reads what the acks promised.
        await using var reader = new SqliteConnection($"Data Source={t.Path}");
        Assert.Equal(200, await reader.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM probe"));
    }

    [Fact]
    public async Task A_failing_write_in_a_group_fails_alone_and_the_others_commit()
    {
        using var t = new TestDatabase();
        await t.Db.WriteAsync((c, tx) => c.ExecuteAsync("CREATE TABLE probe (n INTEGER PRIMARY KEY)", transaction: tx));

        var writes = Enumerable.Range(1, 20).Select(n => t.Db.WriteAsync((c, tx) =>
            c.RunAsync(tx, "INSERT INTO probe (n) VALUES (@n)", CancellationToken.None, ("@n", n == 7 ? 3 : n)))).ToList();

        var failed = await Assert.ThrowsAsync<SqliteException>(() => writes[6]);
        await Task.WhenAll(writes.Where((_, i) => i != 6));
        Assert.Equal(19, failed.SqliteErrorCode); // SQLITE_CONSTRAINT: the duplicate key, nothing else
        Assert.Equal(19, await t.Db.ReadAsync(c => c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM probe")));
    }

    [Theory]
    [InlineData(null, 2L)]      // default FULL: the commit fsyncs the WAL before its ack
    [InlineData("NORMAL", 1L)]
    [InlineData("full", 2L)]
    public async Task The_writer_commits_with_the_configured_durability(string? synchronous, long expected)
    {
        var folder = Directory.CreateTempSubdirectory("spebot-sync-").FullName;
        try
        {
            var options = new StorageOptions { Path = System.IO.Path.Combine(folder, "s.db") };
            if (synchronous is not null) options.Synchronous = synchronous;
            await using var db = new SqliteDatabase(Microsoft.Extensions.Options.Options.Create(options));

            var level = await db.WriteAsync((c, tx) => c.ExecuteScalarAsync<long>("PRAGMA synchronous", transaction: tx));

            Assert.Equal(expected, level);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_group_runs_each_write_once_when_none_fails()
    {
        using var t = new TestDatabase();
        await t.Db.WriteAsync((c, tx) => c.ExecuteAsync("CREATE TABLE probe (n INTEGER PRIMARY KEY)", transaction: tx));
        var runs = new int[10];

        var writes = await InOneGroupAsync(t.Db, Enumerable.Range(0, 10).Select(n => (Func<System.Data.Common.DbConnection, System.Data.Common.DbTransaction, Task<long>>)(async (c, tx) =>
        {
            Interlocked.Increment(ref runs[n]);
            await c.RunAsync(tx, "INSERT INTO probe (n) VALUES (@n)", CancellationToken.None, ("@n", n));
            return n;
        })));

        Assert.Equal(Enumerable.Range(0, 10).Select(n => (long)n), writes);
        Assert.All(runs, r => Assert.Equal(1, r));
    }

    [Fact]
    public async Task When_one_write_of_a_group_fails_the_others_run_again_and_answer_from_the_run_that_committed()
    {
        using var t = new TestDatabase();
        await t.Db.WriteAsync((c, tx) => c.ExecuteAsync("CREATE TABLE probe (n INTEGER PRIMARY KEY)", transaction: tx));
        var runs = new int[10];

        // Each write answers with the row count it saw after its insert; write 4 repeats write 1's key.
        var group = InOneGroupAsync(t.Db, Enumerable.Range(0, 10).Select(n => (Func<System.Data.Common.DbConnection, System.Data.Common.DbTransaction, Task<long>>)(async (c, tx) =>
        {
            Interlocked.Increment(ref runs[n]);
            await c.RunAsync(tx, "INSERT INTO probe (n) VALUES (@n)", CancellationToken.None, ("@n", n == 4 ? 1 : n));
            return (long)(await c.ScalarAsync(tx, "SELECT COUNT(*) FROM probe", CancellationToken.None))!;
        })));

        var failed = await Assert.ThrowsAsync<SqliteException>(() => group);
        Assert.Equal(19, failed.SqliteErrorCode);
        // Rolled back and run again: no write is applied twice and each answer matches what was committed.
        Assert.Equal(9, await t.Db.ReadAsync(c => c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM probe")));
        Assert.Equal([2, 2, 2, 2, 2, 1, 1, 1, 1, 1], runs);
    }

    [Fact]
    public async Task A_write_that_throws_after_writing_leaves_nothing_behind_while_its_group_commits()
    {
        using var t = new TestDatabase();
        await t.Db.WriteAsync((c, tx) => c.ExecuteAsync("CREATE TABLE probe (n INTEGER PRIMARY KEY)", transaction: tx));

        var group = InOneGroupAsync(t.Db, Enumerable.Range(0, 6).Select(n => (Func<System.Data.Common.DbConnection, System.Data.Common.DbTransaction, Task<long>>)(async (c, tx) =>
        {
            await c.RunAsync(tx, "INSERT INTO probe (n) VALUES (@n)", CancellationToken.None, ("@n", n));
            if (n == 2) throw new InvalidOperationException("refused after its insert");
            return n;
        })));

        await Assert.ThrowsAsync<InvalidOperationException>(() => group);
        Assert.Equal([0L, 1, 3, 4, 5], await t.Db.ReadAsync(async c => (await c.QueryAsync<long>("SELECT n FROM probe ORDER BY n")).ToList()));
    }

    /// <summary>Queues the writes while the writer is held by a gate job, so they commit as one group.</summary>
    private static async Task<long[]> InOneGroupAsync(Database db,
        IEnumerable<Func<System.Data.Common.DbConnection, System.Data.Common.DbTransaction, Task<long>>> works)
    {
        using var gate = new ManualResetEventSlim();
        using var holding = new ManualResetEventSlim();
        var held = db.WriteAsync((_, _) =>
        {
            holding.Set();
            gate.Wait(TimeSpan.FromSeconds(30));
            return Task.FromResult(0L);
        });
        holding.Wait(TimeSpan.FromSeconds(30));
        var writes = works.Select(w => db.WriteAsync(w)).ToList();
        gate.Set();
        await held;
        return await Task.WhenAll(writes);
    }

    [Fact]
    public async Task A_writer_that_cannot_open_the_database_fails_writes_with_the_reason_instead_of_hanging()
    {
        // A directory where the database file should be: SQLite cannot open it.
        var folder = Directory.CreateTempSubdirectory("spebot-not-a-file-").FullName;
        try
        {
            await using var db = new SqliteDatabase(Microsoft.Extensions.Options.Options.Create(new StorageOptions { Path = folder }));

            var write = db.WriteAsync((c, tx) => c.ExecuteAsync("SELECT 1", transaction: tx));

            await Assert.ThrowsAsync<SqliteException>(() => write.WaitAsync(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

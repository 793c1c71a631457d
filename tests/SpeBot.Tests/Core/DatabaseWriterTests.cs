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

    [Fact]
    public async Task A_writer_that_cannot_open_the_database_fails_writes_with_the_reason_instead_of_hanging()
    {
        // A directory where the database file should be: SQLite cannot open it.
        var folder = Directory.CreateTempSubdirectory("spebot-not-a-file-").FullName;
        try
        {
            await using var db = new Database(Microsoft.Extensions.Options.Options.Create(new StorageOptions { Path = folder }));

            var write = db.WriteAsync((c, tx) => c.ExecuteAsync("SELECT 1", transaction: tx));

            await Assert.ThrowsAsync<SqliteException>(() => write.WaitAsync(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

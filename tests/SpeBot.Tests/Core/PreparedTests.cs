using Microsoft.Data.Sqlite;
using SpeBot.Core.Storage;

namespace SpeBot.Tests.Core;

public sealed class PreparedTests : IDisposable
{
    private readonly SqliteConnection _c = new("Data Source=:memory:");

    public PreparedTests()
    {
        _c.Open();
        using var create = _c.CreateCommand();
        create.CommandText = "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, score REAL, data BLOB)";
        create.ExecuteNonQuery();
    }

    public void Dispose()
    {
        Prepared.Forget(_c);
        _c.Dispose();
    }

    [Fact]
    public async Task RowsComeBackAsLongDoubleTextBlobAndNullWhateverOrderTheNamesAppearIn()
    {
        await _c.RunAsync(null, "INSERT INTO t (data, score, name) VALUES (@data, @score, @name)", CancellationToken.None,
            ("@name", "提案"), ("@score", 2.5), ("@data", new byte[] { 1, 2 }));
        await _c.RunAsync(null, "INSERT INTO t (data, score, name) VALUES (@data, @score, @name)", CancellationToken.None,
            ("@name", "second"), ("@score", null), ("@data", null));

        var rows = await _c.RowsAsync(null, "SELECT id, name, score, data FROM t ORDER BY id", CancellationToken.None);

        Assert.Equal(2, rows.Count);
        Assert.Equal([1L, "提案", 2.5], rows[0][..3]);
        Assert.Equal(new byte[] { 1, 2 }, (byte[])rows[0][3]!);
        Assert.Equal([2L, "second", null, null], rows[1]);
    }

    [Fact]
    public async Task AFailedStatementRaisesSqlitesErrorAndRunsAgainAfterwards()
    {
        const string insert = "INSERT INTO t (name) VALUES (@name) RETURNING id";
        Assert.Equal(1L, await _c.ScalarAsync(null, insert, CancellationToken.None, ("@name", "a")));

        var e = await Assert.ThrowsAsync<SqliteException>(() => _c.ScalarAsync(null, insert, CancellationToken.None, ("@name", "a")));
        Assert.Equal(19, e.SqliteErrorCode); // SQLITE_CONSTRAINT

        Assert.Equal(2L, await _c.ScalarAsync(null, insert, CancellationToken.None, ("@name", "b")));
        Assert.Null(await _c.ScalarAsync(null, "SELECT name FROM t WHERE id = @id", CancellationToken.None, ("@id", 99L)));
    }

    [Fact]
    public async Task AValueOfAnUnboundTypeIsRefusedWithItsParameterName()
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => _c.RunAsync(null, "INSERT INTO t (name) VALUES (@name)",
            CancellationToken.None, ("@name", DateTimeOffset.UnixEpoch)));

        Assert.Contains("@name", e.Message, StringComparison.Ordinal);
        Assert.Equal(1L, await _c.RunAsync(null, "INSERT INTO t (name) VALUES (@name)", CancellationToken.None, ("@name", "ok")));
    }
}

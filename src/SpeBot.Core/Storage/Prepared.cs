using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace SpeBot.Core.Storage;

/// <summary>
/// Prepared statements kept per connection, for the few statements every proposal and vote runs on the writer.
/// Parsing and planning a statement costs more than running these inserts, and Microsoft.Data.Sqlite (like Dapper)
/// prepares afresh for every new command; a statement kept per connection and SQL text is prepared once. They run
/// straight on SQLite (bind by position, step, reset): the writer is the one thread every write waits for, and a
/// command's reader, statement iterator and by-name binding cost more there than the insert they run. A statement
/// runs inside the connection's open transaction (<c>tx</c> is checked to be that connection's). Meant for the writer's
/// long-lived connection; a pooled read connection is a new object each time, so its cache would only be thrown away.
/// On any other connection (PostgreSQL) the statement runs as a plain command with the same named parameters; Npgsql
/// prepares it itself after a few uses (<c>Max Auto Prepare</c>, see <see cref="PostgresDatabase"/>), and values read
/// come back as SQLite's would (integers as long, booleans as 0/1, other numbers as double).
/// </summary>
public static class Prepared
{
    private static readonly ConditionalWeakTable<DbConnection, Dictionary<string, Statement>> Statements = new();

    /// <summary>Rows changed.</summary>
    public static Task<int> RunAsync(this DbConnection c, DbTransaction? tx, string sql, CancellationToken ct,
                                     params ReadOnlySpan<(string Name, object? Value)> args) =>
        c is not SqliteConnection ? Command(c, tx, sql, args).ExecuteNonQueryAsync(ct) : Task.FromResult(Step(c, tx, sql, ct, args, static (db, _, _) => raw.sqlite3_changes(db)));

    /// <summary>
    /// The rowid the statement (an INSERT) gave its row, or 0 when it inserted none. Cheaper than RETURNING, which makes
    /// SQLite collect the returned rows in a temporary table on every run (a few µs on the writer per statement).
    /// </summary>
    public static Task<long> InsertAsync(this DbConnection c, DbTransaction? tx, string sql, CancellationToken ct,
                                         params ReadOnlySpan<(string Name, object? Value)> args) =>
        Task.FromResult(Step(c, tx, sql, ct, args, static (db, _, _) => raw.sqlite3_changes(db) > 0 ? raw.sqlite3_last_insert_rowid(db) : 0L));

    /// <summary>The first column of the first row; null when there is no row or the value is NULL.</summary>
    public static Task<object?> ScalarAsync(this DbConnection c, DbTransaction? tx, string sql, CancellationToken ct,
                                            params ReadOnlySpan<(string Name, object? Value)> args) =>
        c is not SqliteConnection ? PlainScalarAsync(Command(c, tx, sql, args), ct) : Task.FromResult(Step(c, tx, sql, ct, args, static (_, s, rc) => rc == raw.SQLITE_ROW ? Column(s, 0) : null));

    /// <summary>Every row, each as its column values (long, double, string, byte[] or null).</summary>
    public static Task<IReadOnlyList<object?[]>> RowsAsync(this DbConnection c, DbTransaction? tx, string sql, CancellationToken ct,
                                                        params ReadOnlySpan<(string Name, object? Value)> args) =>
        c is not SqliteConnection ? PlainRowsAsync(Command(c, tx, sql, args), ct) : Task.FromResult(Step<IReadOnlyList<object?[]>>(c, tx, sql, ct, args, static (db, s, rc) =>
        {
            var rows = new List<object?[]>(1);
            for (; rc == raw.SQLITE_ROW; rc = raw.sqlite3_step(s))
            {
                var row = new object?[raw.sqlite3_column_count(s)];
                for (var i = 0; i < row.Length; i++) row[i] = Column(s, i);
                rows.Add(row);
            }
            if (rc != raw.SQLITE_DONE) SqliteException.ThrowExceptionForRC(rc, db);
            return rows;
        }));

    private static DbCommand Command(DbConnection c, DbTransaction? tx, string sql, ReadOnlySpan<(string Name, object? Value)> args)
    {
        if (tx is not null && !ReferenceEquals(tx.Connection, c)) throw new InvalidOperationException("The transaction belongs to another connection.");
        var command = c.CreateCommand();
        command.CommandText = sql;
        command.Transaction = tx;
        foreach (var (name, value) in args)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            // As SQLite binds them: a bool is the integer 0 or 1 (the columns are integers on both providers).
            p.Value = value switch
            {
                null => DBNull.Value,
                bool b => b ? 1L : 0L,
                string or long or int or double or byte[] or DBNull => value,
                var other => throw new ArgumentException($"{name}: values of type {other.GetType().Name} are not bound here; pass text or a number.", nameof(args)),
            };
            // A NULL goes untyped, so PostgreSQL takes the type from where it lands (a bigint column, a text column).
            command.Parameters.Add(p);
        }
        return command;
    }

    private static async Task<object?> PlainScalarAsync(DbCommand command, CancellationToken ct)
    {
        await using (command)
            return Normal(await command.ExecuteScalarAsync(ct));
    }

    private static async Task<IReadOnlyList<object?[]>> PlainRowsAsync(DbCommand command, CancellationToken ct)
    {
        await using (command)
        {
            await using var reader = await command.ExecuteReaderAsync(ct);
            var rows = new List<object?[]>(1);
            while (await reader.ReadAsync(ct))
            {
                var row = new object?[reader.FieldCount];
                for (var i = 0; i < row.Length; i++) row[i] = Normal(reader.GetValue(i));
                rows.Add(row);
            }
            return rows;
        }
    }

    /// <summary>A value as SQLite's <see cref="Column"/> would give it.</summary>
    private static object? Normal(object? v) => v switch
    {
        null or DBNull => null,
        long or string or double or byte[] => v,
        int i => (long)i,
        short s => (long)s,
        bool b => b ? 1L : 0L,
        float f => (double)f,
        decimal d => (double)d,
        _ => v,
    };

    /// <summary>Finalizes this connection's statements; the writer calls it before it closes its connection.</summary>
    public static void Forget(DbConnection c)
    {
        if (Statements.TryGetValue(c, out var statements))
        {
            foreach (var s in statements.Values) s.Handle.Dispose();
            Statements.Remove(c);
        }
    }

    /// <summary>Binds, takes the first step and lets <paramref name="read"/> take the rest; the statement is reset whatever happens.</summary>
    private static T Step<T>(DbConnection c, DbTransaction? tx, string sql, CancellationToken ct,
                             ReadOnlySpan<(string Name, object? Value)> args, Func<sqlite3, sqlite3_stmt, int, T> read)
    {
        var sqlite = Sqlite(c, tx);
        var db = sqlite.Handle ?? throw new InvalidOperationException("The connection is not open.");
        ct.ThrowIfCancellationRequested();
        var statement = Bind(sqlite, sql, args);
        try
        {
            var rc = raw.sqlite3_step(statement.Handle);
            if (rc is not (raw.SQLITE_DONE or raw.SQLITE_ROW)) SqliteException.ThrowExceptionForRC(rc, db);
            return read(db, statement.Handle, rc);
        }
        finally
        {
            raw.sqlite3_reset(statement.Handle);
        }
    }

    private static SqliteConnection Sqlite(DbConnection c, DbTransaction? tx)
    {
        var sqlite = c as SqliteConnection ?? throw new NotSupportedException($"Prepared statements are SQLite's; {c.GetType().Name} is not a SQLite connection.");
        if (tx is not null && !ReferenceEquals(tx.Connection, c)) throw new InvalidOperationException("The transaction belongs to another connection.");
        return sqlite;
    }

    private static Statement Bind(SqliteConnection c, string sql, ReadOnlySpan<(string Name, object? Value)> args)
    {
        var statements = Statements.GetValue(c, _ => new Dictionary<string, Statement>(StringComparer.Ordinal));
        if (!statements.TryGetValue(sql, out var statement))
        {
            var rc = raw.sqlite3_prepare_v2(c.Handle, sql, out var handle);
            if (rc != raw.SQLITE_OK) SqliteException.ThrowExceptionForRC(rc, c.Handle);
            var positions = new int[args.Length];
            for (var i = 0; i < args.Length; i++)
            {
                positions[i] = raw.sqlite3_bind_parameter_index(handle, args[i].Name);
                if (positions[i] == 0) throw new ArgumentException($"The statement has no parameter {args[i].Name}.", nameof(args));
            }
            statements[sql] = statement = new Statement(handle, positions);
        }
        if (statement.Positions.Length != args.Length) throw new ArgumentException($"Expected {statement.Positions.Length} values for a prepared statement, got {args.Length}.", nameof(args));
        for (var i = 0; i < args.Length; i++)
        {
            var at = statement.Positions[i];
            var rc = args[i].Value switch
            {
                null or DBNull => raw.sqlite3_bind_null(statement.Handle, at),
                string s => raw.sqlite3_bind_text(statement.Handle, at, s),
                long l => raw.sqlite3_bind_int64(statement.Handle, at, l),
                int n => raw.sqlite3_bind_int64(statement.Handle, at, n),
                bool b => raw.sqlite3_bind_int64(statement.Handle, at, b ? 1 : 0),
                double d => raw.sqlite3_bind_double(statement.Handle, at, d),
                byte[] bytes => raw.sqlite3_bind_blob(statement.Handle, at, bytes),
                var other => throw new ArgumentException($"{args[i].Name}: values of type {other.GetType().Name} are not bound here; pass text or a number.", nameof(args)),
            };
            if (rc != raw.SQLITE_OK) SqliteException.ThrowExceptionForRC(rc, c.Handle);
        }
        return statement;
    }

    private static object? Column(sqlite3_stmt s, int i) => raw.sqlite3_column_type(s, i) switch
    {
        raw.SQLITE_INTEGER => raw.sqlite3_column_int64(s, i),
        raw.SQLITE_FLOAT => raw.sqlite3_column_double(s, i),
        raw.SQLITE_TEXT => raw.sqlite3_column_text(s, i).utf8_to_string(),
        raw.SQLITE_BLOB => raw.sqlite3_column_blob(s, i).ToArray(),
        _ => null,
    };

    private sealed record Statement(sqlite3_stmt Handle, int[] Positions);
}

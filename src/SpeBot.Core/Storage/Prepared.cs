using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace SpeBot.Core.Storage;

/// <summary>
/// Prepared statements kept per connection, for the few statements every proposal and vote runs on the writer.
/// Parsing and planning a statement costs more than running these inserts, and Microsoft.Data.Sqlite (like Dapper)
/// prepares afresh for every new command; a statement kept per connection and SQL text is prepared once.
/// <see cref="RunAsync"/> and <see cref="ScalarAsync"/> go straight to SQLite (bind by position, step, reset): the
/// writer is the one thread every write waits for, and a command's reader, statement iterator and by-name binding
/// cost more there than the insert they run. Meant for the writer's long-lived connection; a pooled read connection
/// is a new object each time, so its cache would only be thrown away.
/// </summary>
public static class Prepared
{
    private static readonly ConditionalWeakTable<DbConnection, Dictionary<string, DbCommand>> Commands = new();
    private static readonly ConditionalWeakTable<DbConnection, Dictionary<string, Statement>> Statements = new();

    /// <summary>
    /// The command for <paramref name="sql"/> on this connection, bound to <paramref name="tx"/> and the values given.
    /// A call site passes the same names in the same order every time; null becomes SQL NULL.
    /// </summary>
    public static DbCommand Command(this DbConnection c, DbTransaction? tx, string sql, params ReadOnlySpan<(string Name, object? Value)> args)
    {
        var commands = Commands.GetValue(c, _ => new Dictionary<string, DbCommand>(StringComparer.Ordinal));
        if (!commands.TryGetValue(sql, out var command))
        {
            command = c.CreateCommand();
            command.CommandText = sql;
            foreach (var (name, _) in args)
            {
                var p = command.CreateParameter();
                p.ParameterName = name;
                command.Parameters.Add(p);
            }
            commands[sql] = command;
        }
        if (command.Parameters.Count != args.Length) throw new ArgumentException($"Expected {command.Parameters.Count} values for a prepared statement, got {args.Length}.", nameof(args));
        command.Transaction = tx;
        for (var i = 0; i < args.Length; i++) command.Parameters[i].Value = args[i].Value ?? DBNull.Value;
        return command;
    }

    /// <summary>Rows changed.</summary>
    public static Task<int> RunAsync(this DbConnection c, DbTransaction? tx, string sql, CancellationToken ct,
                                     params ReadOnlySpan<(string Name, object? Value)> args)
    {
        if (c is not SqliteConnection sqlite) return c.Command(tx, sql, args).ExecuteNonQueryAsync(ct);
        ct.ThrowIfCancellationRequested();
        var statement = Bind(sqlite, sql, args);
        try
        {
            var rc = raw.sqlite3_step(statement.Handle);
            if (rc is not (raw.SQLITE_DONE or raw.SQLITE_ROW)) SqliteException.ThrowExceptionForRC(rc, sqlite.Handle);
            return Task.FromResult(raw.sqlite3_changes(sqlite.Handle));
        }
        finally
        {
            raw.sqlite3_reset(statement.Handle);
        }
    }

    /// <summary>The first column of the first row; null when there is no row or the value is NULL.</summary>
    public static Task<object?> ScalarAsync(this DbConnection c, DbTransaction? tx, string sql, CancellationToken ct,
                                            params ReadOnlySpan<(string Name, object? Value)> args)
    {
        if (c is not SqliteConnection sqlite) return ScalarOf(c.Command(tx, sql, args), ct);
        ct.ThrowIfCancellationRequested();
        var statement = Bind(sqlite, sql, args);
        try
        {
            var rc = raw.sqlite3_step(statement.Handle);
            if (rc == raw.SQLITE_DONE) return Task.FromResult<object?>(null);
            if (rc != raw.SQLITE_ROW) SqliteException.ThrowExceptionForRC(rc, sqlite.Handle);
            return Task.FromResult(Column(statement.Handle, 0));
        }
        finally
        {
            raw.sqlite3_reset(statement.Handle);
        }
    }

    /// <summary>Finalizes this connection's statements; the writer calls it before it closes its connection.</summary>
    public static void Forget(DbConnection c)
    {
        if (Statements.TryGetValue(c, out var statements))
        {
            foreach (var s in statements.Values) s.Handle.Dispose();
            Statements.Remove(c);
        }
        if (Commands.TryGetValue(c, out var commands))
        {
            foreach (var command in commands.Values) command.Dispose();
            Commands.Remove(c);
        }
    }

    private static async Task<object?> ScalarOf(DbCommand command, CancellationToken ct) =>
        await command.ExecuteScalarAsync(ct) is { } v and not DBNull ? v : null;

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

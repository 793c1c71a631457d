using System.Data.Common;
using System.Runtime.CompilerServices;

namespace SpeBot.Core.Storage;

/// <summary>
/// Prepared statements kept per connection, for the few statements every proposal and vote runs on the writer.
/// Parsing and planning a statement costs more than running these inserts, and Microsoft.Data.Sqlite (like Dapper)
/// prepares afresh for every new command; a command kept per connection and SQL text is prepared once.
/// Meant for the writer's long-lived connection; a pooled read connection is a new object each time, so its cache
/// would only be thrown away.
/// </summary>
public static class Prepared
{
    private static readonly ConditionalWeakTable<DbConnection, Dictionary<string, DbCommand>> Commands = new();

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
                                     params ReadOnlySpan<(string Name, object? Value)> args) =>
        c.Command(tx, sql, args).ExecuteNonQueryAsync(ct);

    /// <summary>The first column of the first row; null when there is no row or the value is NULL.</summary>
    public static Task<object?> ScalarAsync(this DbConnection c, DbTransaction? tx, string sql, CancellationToken ct,
                                            params ReadOnlySpan<(string Name, object? Value)> args) =>
        ScalarOf(c.Command(tx, sql, args), ct);

    private static async Task<object?> ScalarOf(DbCommand command, CancellationToken ct) =>
        await command.ExecuteScalarAsync(ct) is { } v and not DBNull ? v : null;
}

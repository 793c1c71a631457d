using Dapper;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Core;

/// <summary>
/// SQLite evaluates a constant IN list of three or more values by building a temporary b-tree of the values; in a CHECK
/// constraint, a partial index's WHERE or a trigger that happens for every row written (migration 0019). The statements
/// are compiled, not run (EXPLAIN), so every table and column is covered whatever the code writes today.
/// </summary>
public sealed class HotWriteTests
{
    // Written once per workspace or per schedule, never on a hot path: their CHECK lists stay as 0001 made them.
    private static readonly string[] Cold = ["workspaces", "schedules"];

    [Fact]
    public async Task WritingARowToAnyTableBuildsNoTemporaryBTree()
    {
        using var t = new TestDatabase();

        var offenders = await t.Db.ReadAsync(async c =>
        {
            var found = new List<string>();
            var tables = (await c.QueryAsync<(string Name, long WithoutRowid)>(
                "SELECT name, wr FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%'")).ToList();
            Assert.Contains(tables, x => x.Name == "outbox");
            foreach (var (table, withoutRowid) in tables.Where(x => !Cold.Contains(x.Name)))
            {
                // Generated columns are hidden: nothing writes them.
                var columns = (await c.QueryAsync<string>($"SELECT name FROM pragma_table_xinfo('{table}') WHERE hidden = 0")).ToList();
                var args = new DynamicParameters();
                foreach (var column in columns) args.Add(column, null);
                args.Add("rowid_", 1);
                List<string> writes = [$"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select(x => "@" + x))})"];
                if (withoutRowid == 0) writes.AddRange(columns.Select(x => $"UPDATE {table} SET {x} = @{x} WHERE rowid = @rowid_"));
                foreach (var sql in writes)
                    if ((await c.QueryAsync<(long Addr, string Opcode)>("EXPLAIN " + sql, args)).Any(op => op.Opcode == "OpenEphemeral")) found.Add(sql);
            }
            return found;
        });

        Assert.Empty(offenders);
    }
}

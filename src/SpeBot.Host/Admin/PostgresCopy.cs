using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;
using SpeBot.Core.Items;
using SpeBot.Core.Storage;

namespace SpeBot.Host.Admin;

/// <summary>
/// <c>copy-to-postgres</c>: copies a SpeBot SQLite database into an empty PostgreSQL database. The target is migrated
/// first, then every table of its schema (the list comes from the catalogue, not from a list here that would go stale)
/// is filled from the SQLite table of the same name in one transaction: ids kept, identity sequences moved past them,
/// counts compared per table before the commit. Any failure rolls the whole copy back and leaves the source untouched.
/// </summary>
public sealed class PostgresCopy(TextWriter stdout, TextWriter stderr)
{
    /// <summary>Tables with more rows than this print their progress while they copy.</summary>
    public const int ProgressEvery = 50_000;

    public async Task<int> RunAsync(string sqlitePath, string connectionString, ILoggerFactory loggers, TimeProvider clock, CancellationToken ct)
    {
        try
        {
            return await CopyAsync(sqlitePath, connectionString, loggers, clock, ct);
        }
        catch (Exception e) when (e is NpgsqlException or SqliteException or InvalidOperationException or ArgumentException)
        {
            // The server unreachable, a refused login, a value that does not convert: one line, no stack trace. The
            // transaction, if it was open, is rolled back with the connection; Npgsql's messages never hold the password.
            stderr.WriteLine($"The copy failed and nothing was copied: {e.Message}");
            return 1;
        }
    }

    private async Task<int> CopyAsync(string sqlitePath, string connectionString, ILoggerFactory loggers, TimeProvider clock, CancellationToken ct)
    {
        var source = Path.GetFullPath(sqlitePath);
        if (!File.Exists(source))
        {
            stderr.WriteLine($"No SQLite database at {source}: give it with --from <file> (or Storage:Path).");
            return 1;
        }
        await using var sqlite = new SqliteConnection($"Data Source={source};Mode=ReadOnly;Pooling=False");
        await sqlite.OpenAsync(ct);
        var latest = Migrator.Embedded(StorageProvider.Sqlite).Max(m => m.Version);
        var sourceVersion = await SchemaVersionAsync(sqlite, ct);
        if (sourceVersion != latest)
        {
            stderr.WriteLine(sourceVersion == 0
                ? $"{source} is not a SpeBot database (no schema_migrations): check --from."
                : $"{source} is at schema version {sourceVersion}, this SpeBot at {latest}: run 'migrate' on it first " +
                  "(Storage:Path pointing at it, the bot stopped), then copy.");
            return 1;
        }

        await using var target = new PostgresDatabase(connectionString);
        stdout.WriteLine($"Migrating {target.Where} ...");
        await new Migrator(target, clock, loggers.CreateLogger<Migrator>()).MigrateAsync(ct);

        await using var pg = await target.DataSource.OpenConnectionAsync(ct);
        var tables = await TablesAsync(pg, ct);
        var sourceTables = (await sqlite.QueryAsync<string>(new CommandDefinition(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'", cancellationToken: ct)))
            .Except(ItemSettling.SqliteOnlyTables).ToHashSet();
        var unmatched = sourceTables.Except(tables.Select(t => t.Name)).Concat(tables.Select(t => t.Name).Except(sourceTables)).Order().ToList();
        if (unmatched.Count > 0)
        {
            // The two migration folders hold the same tables (a test compares them); this guards a copy that would drop data.
            stderr.WriteLine($"The two schemas differ ({string.Join(", ", unmatched)} only on one side): nothing was copied.");
            return 1;
        }

        var filled = new List<string>();
        foreach (var t in tables)
        {
            var n = await pg.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT COUNT(*) FROM {Quote(t.Name)}", cancellationToken: ct));
            if (n > 0) filled.Add($"{t.Name} ({n.ToString("N0", CultureInfo.InvariantCulture)} rows)");
        }
        if (filled.Count > 0)
        {
            stderr.WriteLine($"{target.Where} is not empty: {string.Join(", ", filled)}. Nothing was copied. Copy into a new, empty " +
                             "database (CREATE DATABASE …, then point --to or Storage:ConnectionString at it); this command never " +
                             "merges into or overwrites existing data.");
            return 1;
        }

        // One snapshot of the source for every table and count, even if a bot still writes to it.
        await using var read = sqlite.BeginTransaction(deferred: true);
        stdout.WriteLine($"Copying {source} (schema version {sourceVersion}) into {target.Where}, one transaction ...");
        await using var tx = await pg.BeginTransactionAsync(ct);
        var foreignKeys = await ForeignKeysAsync(pg, ct);
        foreach (var (table, constraint) in foreignKeys)
        {
            // Checked at the end instead of per row, so rows referring to later rows (an item merged into a newer one)
            // copy in id order; made NOT DEFERRABLE again before the commit.
            await pg.ExecuteAsync(new CommandDefinition($"ALTER TABLE {Quote(table)} ALTER CONSTRAINT {Quote(constraint)} DEFERRABLE INITIALLY DEFERRED",
                transaction: tx, cancellationToken: ct));
        }
        await pg.ExecuteAsync(new CommandDefinition("SET CONSTRAINTS ALL DEFERRED", transaction: tx, cancellationToken: ct));
        foreach (var t in tables)
        {
            // Rows arrive as they are, derived columns and tables included (items.lead_ms, item_counts): the triggers that
            // keep them would count twice or recompute what the source already holds.
            await pg.ExecuteAsync(new CommandDefinition($"ALTER TABLE {Quote(t.Name)} DISABLE TRIGGER USER", transaction: tx, cancellationToken: ct));
        }

        var counts = new List<(string Table, long Source, long Target)>();
        foreach (var t in tables)
        {
            var rows = await sqlite.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT COUNT(*) FROM {Quote(t.Name)}", transaction: read, cancellationToken: ct));
            await CopyTableAsync(sqlite, read, pg, t, rows, ct);
            counts.Add((t.Name, rows, 0L));
        }

        await pg.ExecuteAsync(new CommandDefinition("SET CONSTRAINTS ALL IMMEDIATE", transaction: tx, cancellationToken: ct));
        foreach (var t in tables)
            await pg.ExecuteAsync(new CommandDefinition($"ALTER TABLE {Quote(t.Name)} ENABLE TRIGGER USER", transaction: tx, cancellationToken: ct));
        foreach (var (table, constraint) in foreignKeys)
        {
            await pg.ExecuteAsync(new CommandDefinition($"ALTER TABLE {Quote(table)} ALTER CONSTRAINT {Quote(constraint)} NOT DEFERRABLE",
                transaction: tx, cancellationToken: ct));
        }
        foreach (var t in tables)
        {
            foreach (var id in t.Columns.Where(c => c.Identity))
            {
                // The next generated id follows the copied ones (or starts at 1 on an empty table).
                await pg.ExecuteAsync(new CommandDefinition(
                    $"SELECT setval(pg_get_serial_sequence(@table, @column), COALESCE(MAX({Quote(id.Name)}), 1), MAX({Quote(id.Name)}) IS NOT NULL) FROM {Quote(t.Name)}",
                    new { table = t.Name, column = id.Name }, tx, cancellationToken: ct));
            }
        }

        for (var i = 0; i < counts.Count; i++)
        {
            var n = await pg.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT COUNT(*) FROM {Quote(counts[i].Table)}", transaction: tx, cancellationToken: ct));
            counts[i] = counts[i] with { Target = n };
        }
        var width = counts.Max(c => c.Table.Length);
        stdout.WriteLine($"{"table".PadRight(width)}  {"SQLite",12}  {"PostgreSQL",12}");
        foreach (var (table, from, to) in counts)
            stdout.WriteLine($"{table.PadRight(width)}  {from,12:N0}  {to,12:N0}{(from == to ? "" : "  MISMATCH")}");
        var mismatched = counts.Where(c => c.Source != c.Target).Select(c => c.Table).ToList();
        if (mismatched.Count > 0)
        {
            await tx.RollbackAsync(ct);
            stderr.WriteLine($"Counts differ for {string.Join(", ", mismatched)}: rolled back, the target is empty again.");
            return 1;
        }
        // SQLite counts new items and lists them under their authors a second after they arrive (ItemSettling); PostgreSQL
        // does it in each proposal's transaction and has no settle mark. So the items after the copied marks are settled
        // here, and the marks go. A people pass cut short may have listed some of them already (migration 0016).
        await pg.ExecuteAsync(new CommandDefinition("DELETE FROM item_people WHERE item_id > (SELECT people_item_id FROM settle_mark)",
            transaction: tx, cancellationToken: ct));
        var listed = await pg.ExecuteAsync(new CommandDefinition("""
            INSERT INTO item_people (workspace_id, author_id, status, number, item_id)
            SELECT workspace_id, author_id, status, number, id FROM items WHERE id > (SELECT people_item_id FROM settle_mark)
            """, transaction: tx, cancellationToken: ct));
        var counted = await pg.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM items WHERE id > (SELECT last_item_id FROM settle_mark)",
            transaction: tx, cancellationToken: ct));
        await pg.ExecuteAsync(new CommandDefinition("""
            INSERT INTO item_counts (workspace_id, status, category, n)
            SELECT workspace_id, status, category, COUNT(*) FROM items WHERE id > (SELECT last_item_id FROM settle_mark)
            GROUP BY workspace_id, status, category
            ON CONFLICT (workspace_id, status, category) DO UPDATE SET n = item_counts.n + excluded.n;
            DELETE FROM settle_mark;
            """, transaction: tx, cancellationToken: ct));
        // Votes the SQLite bot had not yet folded into base_score (its settle pass, migration 0015): PostgreSQL's vote paths
        // write both together and nothing there empties stale_scores, so those items are rescored here, with the weights
        // base_score was computed with.
        await pg.ExecuteAsync(new CommandDefinition("""
            UPDATE items SET base_score = spebot_base_score(votes, impact, effort, split_part(b.weights, ';', 1)::float8,
                                                            split_part(b.weights, ';', 2)::float8, split_part(b.weights, ';', 3)::float8)
            FROM score_basis b WHERE b.id = 1 AND items.id IN (SELECT item_id FROM stale_scores);
            DELETE FROM stale_scores;
            """, transaction: tx, cancellationToken: ct));
        if (counted > 0 || listed > 0)
            stdout.WriteLine($"Settled the items SQLite had not yet: {counted.ToString("N0", CultureInfo.InvariantCulture)} counted, " +
                             $"{listed.ToString("N0", CultureInfo.InvariantCulture)} listed under their authors.");
        await tx.CommitAsync(ct);
        stdout.WriteLine($"Copied {counts.Count} tables, {counts.Sum(c => c.Target).ToString("N0", CultureInfo.InvariantCulture)} rows; every count matches. " +
                         "Start the bot with Storage:Provider=postgres and this connection string.");
        return 0;
    }

    private async Task CopyTableAsync(SqliteConnection sqlite, SqliteTransaction read, NpgsqlConnection pg, Table t, long rows, CancellationToken ct)
    {
        var columns = string.Join(", ", t.Columns.Select(c => Quote(c.Name)));
        await using var select = sqlite.CreateCommand();
        select.Transaction = read;
        // In rowid order, as the rows were written; a table without one (item_people) in its key's order.
        var withoutRowid = await sqlite.ExecuteScalarAsync<long>(new CommandDefinition("SELECT wr FROM pragma_table_list(@name)", new { name = t.Name },
            read, cancellationToken: ct)) == 1;
        select.CommandText = $"SELECT {columns} FROM {Quote(t.Name)}{(withoutRowid ? "" : " ORDER BY rowid")}";
        await using var reader = await select.ExecuteReaderAsync(ct);
        await using var import = await pg.BeginBinaryImportAsync($"COPY {Quote(t.Name)} ({columns}) FROM STDIN (FORMAT BINARY)", ct);
        long done = 0;
        while (await reader.ReadAsync(ct))
        {
            await import.StartRowAsync(ct);
            for (var i = 0; i < t.Columns.Count; i++)
            {
                var c = t.Columns[i];
                var value = reader.IsDBNull(i) ? null : Convert(reader.GetValue(i), c, t.Name);
                if (value is null) await import.WriteNullAsync(ct);
                else await import.WriteAsync(value, c.Type, ct);
            }
            if (++done % ProgressEvery == 0 && rows > ProgressEvery)
                stdout.WriteLine($"  {t.Name}: {done.ToString("N0", CultureInfo.InvariantCulture)} of {rows.ToString("N0", CultureInfo.InvariantCulture)} rows");
        }
        await import.CompleteAsync(ct);
    }

    /// <summary>
    /// A SQLite value (long, double, string or bytes: SQLite's storage classes) as the PostgreSQL column's type. SQLite's
    /// column affinity already stored most values as the declared type; this converts the rest without losing anything,
    /// and refuses (naming the column) what would.
    /// </summary>
    private static object Convert(object value, Column c, string table)
    {
        try
        {
            return (c.Type, value) switch
            {
                (NpgsqlDbType.Bigint, long l) => l,
                (NpgsqlDbType.Bigint, double d) when d == Math.Floor(d) => checked((long)d),
                (NpgsqlDbType.Bigint, string s) => long.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture),
                (NpgsqlDbType.Integer, _) => checked((int)(long)Convert(value, c with { Type = NpgsqlDbType.Bigint }, table)),
                (NpgsqlDbType.Smallint, _) => checked((short)(long)Convert(value, c with { Type = NpgsqlDbType.Bigint }, table)),
                (NpgsqlDbType.Boolean, _) => (long)Convert(value, c with { Type = NpgsqlDbType.Bigint }, table) != 0,
                (NpgsqlDbType.Double, long l) => (double)l,
                (NpgsqlDbType.Double, double d) => d,
                (NpgsqlDbType.Double, string s) => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture),
                (NpgsqlDbType.Real, _) => (float)(double)Convert(value, c with { Type = NpgsqlDbType.Double }, table),
                (NpgsqlDbType.Numeric, _) => System.Convert.ToDecimal(value, CultureInfo.InvariantCulture),
                (NpgsqlDbType.Text, string s) => s,
                (NpgsqlDbType.Text, long l) => l.ToString(CultureInfo.InvariantCulture),
                (NpgsqlDbType.Text, double d) => d.ToString("R", CultureInfo.InvariantCulture),
                (NpgsqlDbType.Bytea, byte[] b) => b,
                (NpgsqlDbType.Bytea, string s) => System.Text.Encoding.UTF8.GetBytes(s),
                _ => throw new FormatException($"no conversion from {value.GetType().Name}"),
            };
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new InvalidOperationException($"{table}.{c.Name}: the SQLite value cannot be stored as PostgreSQL {c.Type} ({e.Message}).", e);
        }
    }

    private static async Task<int> SchemaVersionAsync(SqliteConnection sqlite, CancellationToken ct)
    {
        var exists = await sqlite.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'", cancellationToken: ct));
        return exists == 0 ? 0 : await sqlite.ExecuteScalarAsync<int>(new CommandDefinition("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", cancellationToken: ct));
    }

    /// <summary>Every table of the target's schema but the migrator's own, with its stored (not generated) columns.</summary>
    private static async Task<List<Table>> TablesAsync(NpgsqlConnection pg, CancellationToken ct)
    {
        var columns = await pg.QueryAsync<(string Table, string Column, string Type, string Identity)>(new CommandDefinition("""
            SELECT c.table_name, c.column_name, c.data_type, c.is_identity
            FROM information_schema.columns c
            JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
            WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' AND c.table_name <> 'schema_migrations'
              AND c.is_generated = 'NEVER'
            ORDER BY c.table_name, c.ordinal_position
            """, cancellationToken: ct));
        return [.. columns.GroupBy(c => c.Table).Select(g => new Table(g.Key, [.. g.Select(c => new Column(c.Column, TypeOf(g.Key, c.Column, c.Type), c.Identity == "YES"))]))];
    }

    private static NpgsqlDbType TypeOf(string table, string column, string type) => type switch
    {
        "bigint" => NpgsqlDbType.Bigint,
        "integer" => NpgsqlDbType.Integer,
        "smallint" => NpgsqlDbType.Smallint,
        "boolean" => NpgsqlDbType.Boolean,
        "double precision" => NpgsqlDbType.Double,
        "real" => NpgsqlDbType.Real,
        "numeric" => NpgsqlDbType.Numeric,
        "text" or "character varying" => NpgsqlDbType.Text,
        "bytea" => NpgsqlDbType.Bytea,
        _ => throw new InvalidOperationException($"{table}.{column} is PostgreSQL {type}, which the copy does not convert to yet."),
    };

    private static async Task<List<(string Table, string Constraint)>> ForeignKeysAsync(NpgsqlConnection pg, CancellationToken ct) =>
        [.. await pg.QueryAsync<(string, string)>(new CommandDefinition("""
            SELECT t.relname, c.conname
            FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE c.contype = 'f' AND NOT c.condeferrable AND n.nspname = current_schema()
            ORDER BY 1, 2
            """, cancellationToken: ct))];

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private sealed record Table(string Name, List<Column> Columns);

    private sealed record Column(string Name, NpgsqlDbType Type, bool Identity);
}

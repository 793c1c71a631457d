using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using SpeBot.Core;
using SpeBot.Core.Items;
using SpeBot.Core.Storage;
using SpeBot.Core.Workspaces;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Core;

/// <summary>
/// PostgreSQL as the second provider (issue 15): the schema matches SQLite's, the score function matches Scoring.Base,
/// writes from several processes keep item numbers gap-free and unique, a failing write loses nothing else, and two
/// instances migrating at once apply each version once.
/// </summary>
public sealed class PostgresStorageTests
{
    [PostgresFact]
    public async Task TheTestRunsPostgreSqlServerAnswersWithAMigratedDatabase()
    {
        using var t = new TestDatabase(StorageProvider.Postgres);

        var version = await t.Migrator.CurrentVersionAsync();
        var server = await t.Db.ReadAsync(c => c.ExecuteScalarAsync<string>("SHOW server_version"));

        Assert.Equal(Migrator.Embedded(StorageProvider.Postgres).Max(m => m.Version), version);
        Assert.False(string.IsNullOrEmpty(server));
    }

    [Fact]
    public void BothProvidersHaveTheSameMigrationVersionsAndNames()
    {
        Assert.Equal(Migrator.Embedded(StorageProvider.Sqlite).Select(m => m.Name), Migrator.Embedded(StorageProvider.Postgres).Select(m => m.Name));
    }

    [Theory]
    [InlineData("Host=127.0.0.1;Username=spebot", PostgresDatabase.DefaultMaxPoolSize, true)]
    [InlineData("Host=127.0.0.1;Username=spebot;Maximum Pool Size=40", 40, true)]
    [InlineData("Host=127.0.0.1;Username=spebot;MaxPoolSize=40;No Reset On Close=false", 40, false)]
    [InlineData("host=127.0.0.1;username=spebot;maximum pool size=100;noresetonclose=false", 100, false)]
    public async Task APoolKeepsSixteenConnectionsAndSkipsTheResetUnlessTheConnectionStringSaysOtherwise(string connectionString, int pool, bool noReset)
    {
        await using var db = new PostgresDatabase(connectionString);

        var effective = new Npgsql.NpgsqlConnectionStringBuilder(db.DataSource.ConnectionString);
        Assert.Equal(pool, effective.MaxPoolSize);
        Assert.Equal(noReset, effective.NoResetOnClose);
    }

    [PostgresFact]
    public async Task BothSchemasHoldTheSameTablesColumnsAndIndexes()
    {
        using var sqlite = new TestDatabase(StorageProvider.Sqlite);
        using var postgres = new TestDatabase(StorageProvider.Postgres);

        var lite = await sqlite.Db.ReadAsync(async c =>
        {
            var tables = (await c.QueryAsync<string>(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite%' ORDER BY name")).ToList();
            var columns = new List<string>();
            var indexes = new List<string>();
            foreach (var table in tables)
            {
                // xinfo: table_info leaves out generated columns (items.lead_ms).
                columns.AddRange((await c.QueryAsync<string>($"SELECT name FROM pragma_table_xinfo('{table}')")).Select(col => $"{table}.{col}"));
                foreach (var ix in await c.QueryAsync<(string Name, long Unique, string Origin, long Partial)>(
                             $"SELECT name, \"unique\", origin, partial FROM pragma_index_list('{table}')"))
                {
                    // Created by CREATE INDEX only: primary keys and UNIQUE constraints are compared as constraints below.
                    if (ix.Origin != "c") continue;
                    var cols = await c.QueryAsync<string>($"SELECT name FROM pragma_index_info('{ix.Name}') ORDER BY seqno");
                    indexes.Add($"{ix.Name} on {table} ({string.Join(", ", cols)}){(ix.Unique == 1 ? " unique" : "")}{(ix.Partial == 1 ? " partial" : "")}");
                }
            }
            var keys = new List<string>();
            foreach (var table in tables)
            {
                foreach (var ix in await c.QueryAsync<(string Name, long Unique, string Origin)>(
                             $"SELECT name, \"unique\", origin FROM pragma_index_list('{table}') WHERE origin <> 'c'"))
                    keys.Add($"{table} {(ix.Origin == "pk" ? "primary key" : "unique")} ({string.Join(", ", await c.QueryAsync<string>($"SELECT name FROM pragma_index_info('{ix.Name}') ORDER BY seqno"))})");
                // A single INTEGER PRIMARY KEY is the rowid, not an index.
                var rowid = (await c.QueryAsync<string>($"SELECT name FROM pragma_table_info('{table}') WHERE pk > 0 ORDER BY pk")).ToList();
                if (rowid.Count == 1 && !keys.Contains($"{table} primary key ({rowid[0]})")) keys.Add($"{table} primary key ({rowid[0]})");
            }
            return (tables, columns.Order().ToList(), indexes.Order().ToList(), keys.Order().ToList());
        });
        var pg = await postgres.Db.ReadAsync(async c =>
        {
            var tables = (await c.QueryAsync<string>(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type IN ('BASE TABLE', 'VIEW') ORDER BY table_name COLLATE \"C\"")).ToList();
            var columns = (await c.QueryAsync<string>(
                "SELECT table_name || '.' || column_name FROM information_schema.columns WHERE table_schema = 'public'")).ToList();
            var indexes = (await c.QueryAsync<string>("""
                SELECT i.relname || ' on ' || t.relname || ' ('
                       || (SELECT string_agg(a.attname, ', ' ORDER BY k.n) FROM unnest(x.indkey) WITH ORDINALITY k(attnum, n)
                           JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum) || ')'
                       || CASE WHEN x.indisunique THEN ' unique' ELSE '' END
                       || CASE WHEN x.indpred IS NOT NULL THEN ' partial' ELSE '' END
                FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
                JOIN pg_namespace s ON s.oid = t.relnamespace
                WHERE s.nspname = 'public' AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)
                """)).ToList();
            var keys = (await c.QueryAsync<string>("""
                SELECT t.relname || ' ' || CASE k.contype WHEN 'p' THEN 'primary key' ELSE 'unique' END || ' ('
                       || (SELECT string_agg(a.attname, ', ' ORDER BY n) FROM unnest(k.conkey) WITH ORDINALITY u(attnum, n)
                           JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = u.attnum) || ')'
                FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid JOIN pg_namespace s ON s.oid = t.relnamespace
                WHERE s.nspname = 'public' AND k.contype IN ('p', 'u')
                """)).ToList();
            return (tables, columns.Order().ToList(), indexes.Order().ToList(), keys.Order().ToList());
        });

        // The one deliberate difference (migrations 0014, 0018): what three item indexes hold on PostgreSQL, SQLite keeps in
        // three tables its settle pass fills, so its proposals do not enter them; PostgreSQL has views of the same names.
        string[] postgresIndexes = ["ix_items_created on items (workspace_id, created_at)", "ix_items_open_updated on items (workspace_id, updated_at) partial",
                                    "ix_items_open_score on items (workspace_id, base_score, number) partial"];
        string[] sqliteKeys = ["settled_created primary key (workspace_id, created_at, item_id)", "settled_open primary key (workspace_id, updated_at, item_id)",
                               "settled_scores primary key (workspace_id, base_score, number)"];
        Assert.Subset(pg.Item3.ToHashSet(), postgresIndexes.ToHashSet());
        Assert.Subset(lite.Item4.ToHashSet(), sqliteKeys.ToHashSet());
        Assert.Equal(lite.Item1, pg.Item1);
        Assert.Equal(lite.Item2, pg.Item2);
        Assert.Equal(lite.Item3, pg.Item3.Except(postgresIndexes));
        Assert.Equal(lite.Item4.Except(sqliteKeys), pg.Item4);
        // And the comparison is not empty: the indexes the reads rely on are in both.
        Assert.Contains("ix_items_open_score on items (workspace_id, base_score, number) partial", pg.Item3);
        Assert.Contains("ux_items_finding on items (finding_key, workspace_id) unique partial", pg.Item3);
        Assert.Contains("item_totals.n", pg.Item2);
    }

    [Theory]
    [Providers]
    public async Task TheDatabasesBaseScoreFunctionGivesScoringBaseExactly(StorageProvider provider)
    {
        using var t = new TestDatabase(provider);
        (double V, double I, double E)[] weights = [(1, 1, 1), (1.5, 0.5, 2), (0.7, 1.3, 0.25)];
        long[] votes = [0, 1, 2, 7, 100, 12345];
        int?[] ratings = [null, 1, 2, 3, 4, 5];

        var mismatches = await t.Db.ReadAsync(async c =>
        {
            if (provider == StorageProvider.Sqlite) ScoreIndex.RegisterBaseFunction(c);
            var wrong = new List<string>();
            foreach (var w in weights)
            foreach (var v in votes)
            foreach (var impact in ratings)
            foreach (var effort in ratings)
            {
                var got = await c.ExecuteScalarAsync<double>("SELECT spebot_base_score(@v, @impact, @effort, @wv, @wi, @we)",
                    new { v, impact = (long?)impact, effort = (long?)effort, wv = w.V, wi = w.I, we = w.E });
                var expected = Scoring.Base(v, impact, effort, w.V, w.I, w.E);
                if (got != expected) wrong.Add($"({v}, {impact}, {effort}, {w}) = {got:R}, expected {expected:R}");
            }
            return wrong;
        });

        Assert.Empty(mismatches);
    }

    [PostgresFact]
    public async Task ConcurrentProposalsFromTwoInstancesGetNumbersOneToAThousandEachOnce()
    {
        using var t = new TestDatabase(StorageProvider.Postgres);
        var workspace = await t.Workspaces.EnsureAsync(Platform.Slack, "T1");
        // A second process on the same database: its own data source, pool and stores.
        await using var other = new PostgresDatabase(t.Path);
        var stores = new[] { t.Items, new ItemStore(other, t.Clock, t.Options) };
        var dbs = new Database[] { t.Db, other };

        // 500 on each instance, up to 32 at a time on each (a request per pooled connection, as a busy instance runs them).
        var gates = new[] { new SemaphoreSlim(32), new SemaphoreSlim(32) };
        var numbers = await Task.WhenAll(Enumerable.Range(0, 1000).Select(async i =>
        {
            var (db, store, gate) = (dbs[i % 2], stores[i % 2], gates[i % 2]);
            await gate.WaitAsync();
            try
            {
                return await db.WriteAsync(async (c, tx) =>
                    (await store.CreateAsync(c, tx, new NewItem(workspace.Id, $"p{i}", "slack", $"U{i}"), CancellationToken.None)).Item.Number);
            }
            finally
            {
                gate.Release();
            }
        }));

        Assert.Equal(Enumerable.Range(1, 1000).Select(n => (long)n), numbers.Order());
        var stored = await t.Db.ReadAsync(c => c.QueryAsync<long>("SELECT number FROM items WHERE workspace_id = @id ORDER BY number", new { id = workspace.Id }));
        Assert.Equal(Enumerable.Range(1, 1000).Select(n => (long)n), stored);
        Assert.Equal(1000L, await t.Db.ReadAsync(c => c.ExecuteScalarAsync<long>(
            "SELECT SUM(n) FROM item_totals WHERE workspace_id = @id AND status = 'proposed'", new { id = workspace.Id })));
    }

    [Theory]
    [Providers]
    public async Task AWriteThatThrowsRollsBackAloneAndLeavesNoGapInTheNumbers(StorageProvider provider)
    {
        using var t = new TestDatabase(provider);
        var workspace = await t.Workspaces.EnsureAsync(Platform.Slack, "T1");
        var first = await Propose(t, workspace.Id, "first");

        var failed = Assert.ThrowsAsync<InvalidOperationException>(() => t.Db.WriteAsync<long>(async (c, tx) =>
        {
            await t.Items.CreateAsync(c, tx, new NewItem(workspace.Id, "doomed", "slack", "U1"), CancellationToken.None);
            throw new InvalidOperationException("the job fails after its insert");
        }));
        var beside = Propose(t, workspace.Id, "beside");
        await failed;
        var second = await beside;
        var third = await Propose(t, workspace.Id, "third");

        Assert.Equal([1L, 2L, 3L], new[] { first, second, third });
        var titles = await t.Db.ReadAsync(c => c.QueryAsync<string>("SELECT title FROM items ORDER BY number"));
        Assert.Equal(["first", "beside", "third"], titles);
        Assert.Equal(3L, await t.Db.ReadAsync(c => c.ExecuteScalarAsync<long>("SELECT SUM(n) FROM item_totals")));
        Assert.Equal(3L, await t.Db.ReadAsync(c => c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM item_events WHERE action = 'proposed'")));
    }

    [PostgresFact]
    public async Task TwoInstancesMigratingAtOnceApplyEachVersionOnce()
    {
        var connectionString = PostgresServer.CreateDatabase(migrated: false);
        try
        {
            var clock = TimeProvider.System;
            await using var a = new PostgresDatabase(connectionString);
            await using var b = new PostgresDatabase(connectionString);
            var applied = await Task.WhenAll(
                Task.Run(() => new Migrator(a, clock, NullLogger<Migrator>.Instance).MigrateAsync()),
                Task.Run(() => new Migrator(b, clock, NullLogger<Migrator>.Instance).MigrateAsync()));

            var expected = Migrator.Embedded(StorageProvider.Postgres);
            Assert.Equal(expected.Count, applied.Sum());
            var versions = await a.ReadAsync(c => c.QueryAsync<int>("SELECT version FROM schema_migrations ORDER BY version"));
            Assert.Equal(expected.Select(m => m.Version), versions);
            Assert.Equal(0, await new Migrator(b, clock, NullLogger<Migrator>.Instance).MigrateAsync());
        }
        finally
        {
            PostgresServer.Drop(connectionString);
        }
    }

    private static Task<long> Propose(TestDatabase t, long workspaceId, string title) =>
        t.Db.WriteAsync(async (c, tx) => (await t.Items.CreateAsync(c, tx, new NewItem(workspaceId, title, "slack", "U1"), CancellationToken.None)).Item.Number);
}

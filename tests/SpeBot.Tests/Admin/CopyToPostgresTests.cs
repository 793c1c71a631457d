using System.Globalization;
using Dapper;
using SpeBot.Core.Items;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using SpeBot.Host.Admin;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Admin;

/// <summary>
/// <c>copy-to-postgres</c>: a SQLite database filled through the running bot (chat commands, reactions, the outbox) is
/// copied into an empty PostgreSQL database row for row, a non-empty target is refused, and a bot on the copy serves it.
/// </summary>
public sealed class CopyToPostgresTests : IAsyncLifetime
{
    private const string Maintainer = "U111";
    private readonly TempFolder _folder = new();
    private readonly List<string> _databases = [];
    private FakeSlackApi _slack = null!;

    public async Task InitializeAsync() => _slack = await FakeSlackApi.StartAsync();

    public async Task DisposeAsync()
    {
        await _slack.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        foreach (var db in _databases) PostgresServer.Drop(db);
        _folder.Dispose();
    }

    [PostgresFact]
    public async Task EveryTableArrivesRowForRowWithItsIdsAndCountsArePrinted()
    {
        var source = await PopulatedSqliteAsync();
        var target = EmptyPostgres();

        var run = await CopyAsync(source, target);

        Assert.True(run.ExitCode == 0, run.Stderr + run.Stdout);
        var tables = await TablesAsync(target);
        Assert.Equal(SqliteTables(source), tables);
        var filled = new List<string>();
        foreach (var table in tables)
        {
            var columns = await ColumnsAsync(target, table);
            // base_score is compared with the documented formula below: the copy rescores what SQLite had listed as stale.
            if (table == "items") columns.Remove("base_score");
            var expected = SqliteRows(source, table, columns);
            var actual = await PostgresRowsAsync(target, table, columns);
            if (table is "settle_mark" or "item_people" or "item_counts" or "stale_scores")
            {
                // SQLite counts and lists new items a second late (ItemSettling); PostgreSQL has no mark, so the copy
                // settles whatever the source had not: the counts and person lists then equal the items themselves.
                Assert.Matches($@"(?m)^{table}\s+{expected.Count:N0}\s+{expected.Count:N0}\s*$", run.Stdout);
                if (table is "settle_mark" or "stale_scores") Assert.Empty(actual);
                else Assert.True((await PostgresRowsAsync(target, table == "item_people" ? PeopleFromItems : CountsFromItems, columns)).SequenceEqual(actual), $"{table} differs from the items");
                if (expected.Count > 0) filled.Add(table);
                continue;
            }
            Assert.True(expected.SequenceEqual(actual), $"{table} differs:\nSQLite     {string.Join("\n           ", expected)}\nPostgreSQL {string.Join("\n           ", actual)}");
            if (expected.Count > 0) filled.Add(table);
            Assert.Matches($@"(?m)^{table}\s+{expected.Count:N0}\s+{expected.Count:N0}\s*$", run.Stdout);
        }
        // The bot's own commands reached most of the schema; the rest are platform-specific (Teams conversation refs),
        // timed (schedule runs, sessions) or external (watched endpoints), and empty tables are compared all the same.
        foreach (var table in new[] { "workspaces", "maintainers", "user_settings", "items", "votes", "reaction_states", "item_events",
                                      "posted_messages", "inbox", "outbox", "schedules", "capacity_pledges", "work_logs", "polls",
                                      "poll_options", "shift_notes", "oncall_shifts", "handoffs", "item_counts", "muted_sources" })
            Assert.True(filled.Contains(table), $"{table} is empty; filled: {string.Join(", ", filled)}");
        Assert.Contains("every count matches", run.Stdout, StringComparison.Ordinal);
        // Every item has the documented base_score on PostgreSQL, the one SQLite had listed for rescoring included.
        await using (var pg = new NpgsqlConnection(target))
        {
            var scored = (await pg.QueryAsync<(long Votes, long? Impact, long? Effort, double BaseScore)>(
                "SELECT votes, impact, effort, base_score FROM items ORDER BY id")).ToList();
            Assert.NotEmpty(scored);
            foreach (var i in scored)
                Assert.Equal(ItemSeed.Documented(i.Votes, (int?)i.Impact, (int?)i.Effort, new SpeBot.Core.ScoreWeights()), i.BaseScore, 9);
        }
        // What the digest reads by time is every item there, the one SQLite had not settled included.
        var byTime = await PostgresRowsAsync(target, "(SELECT workspace_id, created_at, id AS item_id FROM items) AS derived", ["workspace_id", "created_at", "item_id"]);
        Assert.Equal(byTime, await PostgresRowsAsync(target, "item_created", ["workspace_id", "created_at", "item_id"]));
        Assert.True(byTime.Count > 1);
        Assert.Matches(@"Settled the items SQLite had not yet: [1-9][0-9]* counted, 2 listed under their authors\.", run.Stdout);
    }

    private const string PeopleFromItems = "(SELECT workspace_id, author_id, status, number, id AS item_id FROM items) AS derived";
    private const string CountsFromItems = "(SELECT workspace_id, status, category, COUNT(*) AS n FROM items GROUP BY 1, 2, 3) AS derived";

    [PostgresFact]
    public async Task ANonEmptyTargetIsRefusedAndKeepsItsRows()
    {
        var source = await PopulatedSqliteAsync();
        var target = EmptyPostgres();
        Assert.Equal(0, (await CopyAsync(source, target)).ExitCode);
        var before = await CountAsync(target, "items");

        var again = await CopyAsync(source, target);

        Assert.Equal(1, again.ExitCode);
        Assert.Contains("is not empty: ", again.Stderr, StringComparison.Ordinal);
        Assert.Contains("items (3 rows)", again.Stderr, StringComparison.Ordinal);
        Assert.Contains("Nothing was copied", again.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, await CountAsync(target, "items"));
    }

    [PostgresFact]
    public async Task TheBotServesTheCopiedItemsOnPostgresAndNumbersNewOnesAfterThem()
    {
        var source = await PopulatedSqliteAsync();
        var target = EmptyPostgres();
        Assert.Equal(0, (await CopyAsync(source, target)).ExitCode);

        await using var bot = new SpeBotFactory(_slack, new() { ["Storage:Provider"] = "postgres", ["Storage:ConnectionString"] = target, ["SpeBot:Maintainers:0"] = Maintainer },
            databasePath: _folder.File("unused.db"));
        using var client = bot.CreateClient();
        var list = await AckTextAsync(client, "list");
        var done = await AckTextAsync(client, "show SPE-1");
        var proposed = await AckTextAsync(client, "propose Rotate the backup keys");

        Assert.Contains("Cut CI minutes", list, StringComparison.Ordinal);
        Assert.Contains("Upgrade the kernel", done, StringComparison.Ordinal);
        Assert.Contains("p95 boot 40", done, StringComparison.Ordinal);
        // Identity sequences moved past the copied ids: the new item is inserted (no duplicate id) with the next number.
        Assert.Contains("SPE-4", proposed, StringComparison.Ordinal);
        Assert.Equal(4, await CountAsync(target, "items"));
    }

    [Fact]
    public async Task WithoutATargetTheCommandSaysWhereToSetIt()
    {
        await using var bot = new SpeBotFactory(_slack, databasePath: _folder.File("spebot.db"));
        _ = bot.Services;
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var code = await AdminCommandLine.RunAsync(bot.Services, bot.Get<IConfiguration>(), ["copy-to-postgres"], stdout, stderr, CancellationToken.None);

        Assert.Equal(1, code);
        Assert.Contains("Storage__ConnectionString", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnreachableTargetFailsWithOneLineAndNoPassword()
    {
        using var source = new TestDatabase();

        var run = await CopyAsync(source.Path, "Host=127.0.0.1;Port=1;Username=spebot;Password=hunter2;Database=spebot;Timeout=3");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("The copy failed and nothing was copied: ", run.Stderr, StringComparison.Ordinal);
        Assert.Single(run.Stderr.Trim().Split('\n'));
        Assert.DoesNotContain("hunter2", run.Stderr + run.Stdout, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task ASourceFromAnOlderSpeBotIsRefusedUntilMigrated()
    {
        var source = _folder.File("old.db");
        await using (var c = new SqliteConnection($"Data Source={source};Pooling=False"))
        {
            await c.OpenAsync();
            await c.ExecuteAsync("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL); " +
                                 "INSERT INTO schema_migrations VALUES (1, '0001_init', '2026-01-01T00:00:00.000Z')");
        }
        var target = EmptyPostgres();

        var run = await CopyAsync(source, target);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("schema version 1", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("run 'migrate' on it first", run.Stderr, StringComparison.Ordinal);
    }

    /// <summary>
    /// A SQLite database filled by the bot itself: proposals with cards, a vote, triage, a claim, hours, a done with
    /// evidence, a merge into a newer item (a row that refers to a later row), settings, maintainers, a pledge, a
    /// schedule, a retro poll, on-call notes and a handoff, a muted source; then the bot is stopped, so the file holds
    /// everything it wrote.
    /// </summary>
    private async Task<string> PopulatedSqliteAsync()
    {
        var path = _folder.File($"source-{Guid.NewGuid():N}.db");
        await using (var bot = new SpeBotFactory(_slack, new() { ["SpeBot:Maintainers:0"] = Maintainer }, databasePath: path))
        {
            using var client = bot.CreateClient();
            var cards = 0;
            async Task ProposeAsync(string title)
            {
                await AckTextAsync(client, $"propose {title}");
                cards++;
                await SpeBotFactory.WaitUntilAsync(() => bot.Query<long>("SELECT COUNT(*) FROM posted_messages").Single() >= cards, what: "card recorded");
            }
            await ProposeAsync("Upgrade the kernel #security impact:4 effort:2");
            await ProposeAsync("Shorten CI #productivity");
            await ProposeAsync("Cut CI minutes");
            var card = bot.Query<string>("SELECT message_id FROM posted_messages WHERE item_id = 1").Single();
            (await client.SendAsync(SignedSlackRequest.Reaction("EvCopy1", "U555", "+1", "C100", card))).EnsureSuccessStatusCode();
            // The App Home event goes through the inbox (its event id, applied once).
            (await client.SendAsync(SignedSlackRequest.Json(new
            {
                type = "event_callback", team_id = "T1", api_app_id = "A1", event_id = "EvCopyHome", event_time = 1_800_000_000,
                @event = new { type = "app_home_opened", user = Maintainer, tab = "home", channel = "D111" },
            }))).EnsureSuccessStatusCode();
            foreach (var command in new[]
            {
                "accept SPE-1", "claim SPE-1", "update SPE-1 halfway", "log SPE-1 3", "done SPE-1 p95 boot 40 → 12 s",
                "merge SPE-2 into SPE-3", "lang ja", "lang en", "maintainers add <@U222>", "pledge platform 10 per week",
                "schedule digest here daily 09:00", "retro 1d", "oncall <@U111>", "note Paged twice for disk #toil",
                "handoff <@U222>", "mute dependabot",
            })
                await AckTextAsync(client, command);
            await SpeBotFactory.WaitUntilAsync(() => bot.Query<long>("SELECT COUNT(*) FROM handoffs").Single() == 1, what: "handoff");
            await SpeBotFactory.WaitUntilAsync(() => bot.Query<long>("SELECT COUNT(*) FROM outbox WHERE status = 'pending'").Single() == 0, what: "outbox drained");
        }
        SqliteConnection.ClearAllPools();
        // As if the bot had stopped before its settle pass (ItemSettling): the newest item is after the settle mark, not yet
        // counted in item_counts (nor in settled_created and settled_open), which the copy must do for PostgreSQL. And in the
        // middle of a people pass (migration 0016): the two newest items are after the people mark, the newest listed in
        // item_people already, the other not yet.
        await using (var c = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await c.OpenAsync();
            var (mark, newest) = await c.QuerySingleAsync<(long, long)>("SELECT last_item_id, (SELECT MAX(id) FROM items) FROM settle_mark");
            if (mark == newest)
            {
                await c.ExecuteAsync("""
                    UPDATE item_counts SET n = n - 1
                    WHERE (workspace_id, status, category) = (SELECT workspace_id, status, category FROM items WHERE id = @newest);
                    DELETE FROM settled_created WHERE item_id = @newest;
                    DELETE FROM settled_open WHERE item_id = @newest;
                    UPDATE settle_mark SET last_item_id = @newest - 1;
                    """, new { newest });
            }
            await c.ExecuteAsync("""
                INSERT OR IGNORE INTO item_people (workspace_id, author_id, status, number, item_id)
                SELECT workspace_id, author_id, status, number, id FROM items WHERE id <= @newest - 2 OR id = @newest;
                DELETE FROM item_people WHERE item_id = @newest - 1;
                UPDATE settle_mark SET people_item_id = @newest - 2;
                """, new { newest });
            // And as if a vote had come after the last pass: the item's base_score still the one before it (migration 0015).
            await c.ExecuteAsync("""
                UPDATE items SET base_score = -1 WHERE id = (SELECT MIN(id) FROM items);
                INSERT OR IGNORE INTO stale_scores (item_id) SELECT MIN(id) FROM items;
                """);
        }
        return path;
    }

    private static async Task<string> AckTextAsync(HttpClient client, string text)
    {
        var response = await client.SendAsync(SignedSlackRequest.Command(text, Maintainer));
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    private string EmptyPostgres()
    {
        var db = PostgresServer.CreateDatabase(migrated: false);
        _databases.Add(db);
        return db;
    }

    private static async Task<HostRun> CopyAsync(string source, string target)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await new PostgresCopy(stdout, stderr).RunAsync(source, target, NullLoggerFactory.Instance, TimeProvider.System, CancellationToken.None);
        return new HostRun(code, stdout.ToString(), stderr.ToString());
    }

    private static async Task<long> CountAsync(string target, string table)
    {
        await using var c = new NpgsqlConnection(target);
        return await c.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {table}");
    }

    private static async Task<List<string>> TablesAsync(string target)
    {
        await using var c = new NpgsqlConnection(target);
        return [.. await c.QueryAsync<string>("""
            SELECT table_name FROM information_schema.tables
            WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations' ORDER BY table_name
            """)];
    }

    private static List<string> SqliteTables(string source)
    {
        using var c = new SqliteConnection($"Data Source={source};Mode=ReadOnly;Pooling=False");
        // SQLite's own derived tables (PostgreSQL reads the same through views) stay behind.
        return [.. c.Query<string>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'")
            .Except(ItemSettling.SqliteOnlyTables).Order(StringComparer.Ordinal)];
    }

    private static async Task<List<string>> ColumnsAsync(string target, string table)
    {
        await using var c = new NpgsqlConnection(target);
        return [.. await c.QueryAsync<string>(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = @table ORDER BY ordinal_position",
            new { table })];
    }

    private static List<string> SqliteRows(string source, string table, List<string> columns)
    {
        using var c = new SqliteConnection($"Data Source={source};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var select = c.CreateCommand();
        select.CommandText = $"SELECT {string.Join(", ", columns)} FROM {table}";
        using var reader = select.ExecuteReader();
        return Rows(reader);
    }

    private static async Task<List<string>> PostgresRowsAsync(string target, string table, List<string> columns)
    {
        await using var c = new NpgsqlConnection(target);
        await c.OpenAsync();
        await using var select = c.CreateCommand();
        select.CommandText = $"SELECT {string.Join(", ", columns)} FROM {table}";
        await using var reader = await select.ExecuteReaderAsync();
        return Rows(reader);
    }

    /// <summary>Each row as one line of typed values, the lines sorted, so the two databases' rows compare as sets in any order.</summary>
    private static List<string> Rows(System.Data.Common.DbDataReader reader)
    {
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(string.Join(" | ", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "null" : reader.GetValue(i) switch
            {
                long l => l.ToString(CultureInfo.InvariantCulture),
                int n => n.ToString(CultureInfo.InvariantCulture),
                double d => d.ToString("R", CultureInfo.InvariantCulture),
                string s => "'" + s + "'",
                var v => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "",
            })));
        }
        rows.Sort(StringComparer.Ordinal);
        return rows;
    }
}

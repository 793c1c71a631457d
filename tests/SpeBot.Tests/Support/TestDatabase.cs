using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SpeBot.Core;
using SpeBot.Core.Events;
using SpeBot.Core.Items;
using SpeBot.Core.Outbox;
using SpeBot.Core.Storage;
using SpeBot.Core.Workspaces;

namespace SpeBot.Tests.Support;

/// <summary>
/// A migrated database with the core stores wired by hand, for core tests without a host: a temp-file SQLite database,
/// or a fresh database on the test run's PostgreSQL server (<see cref="PostgresServer"/>).
/// </summary>
public sealed class TestDatabase : IDisposable
{
    public TestDatabase(StorageProvider provider) : this(null, null, provider)
    {
    }

    /// <param name="path">SQLite: the file; PostgreSQL: the connection string of an earlier TestDatabase's <see cref="Path"/>
    /// (a restart on the same data). Null: a new database.</param>
    public TestDatabase(SpeBotOptions? options = null, string? path = null, StorageProvider provider = StorageProvider.Sqlite)
    {
        Provider = provider;
        Path = path ?? (provider == StorageProvider.Postgres
            ? PostgresServer.CreateDatabase()
            : System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"spebot-core-{Guid.NewGuid():N}.db"));
        Clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero));
        Options = Microsoft.Extensions.Options.Options.Create(options ?? new SpeBotOptions());
        Db = provider == StorageProvider.Postgres
            ? new PostgresDatabase(Path)
            : new SqliteDatabase(Microsoft.Extensions.Options.Options.Create(new StorageOptions { Path = Path }));
        Migrator = new Migrator(Db, Clock, NullLogger<Migrator>.Instance);
        Migrator.MigrateAsync().GetAwaiter().GetResult();
        Workspaces = new WorkspaceStore(Db, Clock, Options);
        Items = new ItemStore(Db, Clock, Options);
        Outbox = new OutboxStore(Db, Clock);
        Signal = new OutboxSignal();
        Posted = new PostedMessageStore(Db, Clock);
        Cards = new CardUpdates(Outbox);
        Proposals = new Proposals(Db, Items, Outbox, Signal, new Inbox(Clock));
        Votes = new Votes(Db, Outbox, Signal, Cards, Items, new Inbox(Clock), Clock, Options);
        Queries = new ItemQueries(Db, Clock, Options);
    }

    public StorageProvider Provider { get; }

    /// <summary>SQLite: the database file. PostgreSQL: the database's connection string.</summary>
    public string Path { get; }
    public FakeTimeProvider Clock { get; }
    public IOptions<SpeBotOptions> Options { get; }
    public Database Db { get; }
    public Migrator Migrator { get; }
    public WorkspaceStore Workspaces { get; }
    public ItemStore Items { get; }
    public OutboxStore Outbox { get; }
    public OutboxSignal Signal { get; }
    public PostedMessageStore Posted { get; }
    public CardUpdates Cards { get; }
    public Proposals Proposals { get; }
    public Votes Votes { get; }
    public ItemQueries Queries { get; }

    /// <summary>The tables of the database, whichever provider.</summary>
    public async Task<List<string>> TablesAsync()
    {
        await using var c = await Db.OpenAsync();
        return (await Dapper.SqlMapper.QueryAsync<string>(c, Provider == StorageProvider.Postgres
            ? "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
            : "SELECT name FROM sqlite_master WHERE type = 'table'")).ToList();
    }

    /// <summary>Leaves the file for a second TestDatabase on the same path (a restart with other settings).</summary>
    public bool KeepFile { get; set; }

    public void Dispose()
    {
        Db.DisposeAsync().AsTask().GetAwaiter().GetResult();
        if (Provider == StorageProvider.Postgres)
        {
            if (!KeepFile) PostgresServer.Drop(Path);
            return;
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (KeepFile) return;
        foreach (var f in new[] { Path, Path + "-wal", Path + "-shm" })
        {
            try { File.Delete(f); } catch (IOException) { }
        }
    }
}

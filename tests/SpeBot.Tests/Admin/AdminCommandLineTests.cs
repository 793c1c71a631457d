using Microsoft.Extensions.Configuration;
using SpeBot.Core;
using SpeBot.Core.Outbox;
using SpeBot.Core.Storage;
using SpeBot.Core.Workspaces;
using SpeBot.Host.Admin;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Admin;

/// <summary>Every admin command against the real database of a running bot (the commands' own services, in process).</summary>
public sealed class AdminCommandLineTests : SlackHost
{
    [Fact]
    public async Task OutboxListShowsPendingRowsWithoutTheirText()
    {
        var id = await QueueAsync("admin:pending", "Secret plans for the cache");

        var run = await RunAsync("outbox", "list");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("1 pending outbox row.", run.Stdout, StringComparison.Ordinal);
        Assert.Contains($"{id}\tslack\t", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Secret plans", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OutboxListDeadShowsDeadRowsWithTheirError()
    {
        var id = await QueueAsync("admin:dead", "x");
        await KillAsync("admin:dead", "channel_not_found");

        var run = await RunAsync("outbox", "list", "--dead");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("1 dead outbox row.", run.Stdout, StringComparison.Ordinal);
        Assert.Contains($"{id}\tslack\t", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("channel_not_found", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OutboxRetryIdMakesOneDeadRowPendingAgainAndRefusesARowThatIsNotDead()
    {
        var id = await QueueAsync("admin:retry", "x");
        await KillAsync("admin:retry", "not_in_channel");
        var other = await QueueAsync("admin:other", "x");

        var retried = await RunAsync("outbox", "retry", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var notDead = await RunAsync("outbox", "retry", other.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(0, retried.ExitCode);
        var row = Query<(string Status, long Attempts, string? LastError)>("SELECT status, attempts, last_error FROM outbox WHERE id = @id", new { id }).Single();
        Assert.Equal(("pending", 0L, (string?)null), row);
        Assert.Equal(1, notDead.ExitCode);
        Assert.Contains("is not dead", notDead.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OutboxRetryDeadRequeuesEveryDeadRow()
    {
        await QueueAsync("admin:d1", "x");
        await QueueAsync("admin:d2", "x");
        await KillAsync("admin:d1", "e1");
        await KillAsync("admin:d2", "e2");

        var run = await RunAsync("outbox", "retry", "--dead");

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("2 dead rows are pending again", run.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, Query<long>("SELECT COUNT(*) FROM outbox WHERE status = 'dead'").Single());
    }

    [Fact]
    public async Task StatsCountsItemsVotesAndTheOutbox()
    {
        await ProposeAsync("Upgrade the kernel");

        var run = await RunAsync("stats");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Items           1 (1 open)", run.Stdout, StringComparison.Ordinal);
        Assert.Contains($"schema version {Migrator.Embedded().Max(m => m.Version)}", run.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"Outbox          \d+ pending, 0 dead, \d+ sent", run.Stdout);
    }

    [Fact]
    public async Task MigrateOnAMigratedDatabaseAppliesNothing()
    {
        var run = await RunAsync("migrate");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("(0 migrations applied now)", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckConfigReportsWhatIsOn()
    {
        var run = await RunAsync("check-config");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Slack on; Teams off", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BackupWritesACopyThatPassesTheIntegrityCheckAndNeverOverwrites()
    {
        await ProposeAsync("Back me up");
        using var dir = new TempFolder();

        var first = await RunAsync("backup", dir.File("copy.db"));
        var again = await RunAsync("backup", dir.File("copy.db"));

        Assert.Equal(0, first.ExitCode);
        Assert.Contains("integrity ok", first.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, Copy(dir.File("copy.db")).Query<long>("SELECT COUNT(*) FROM items"));
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already exists", again.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownCommandPrintsUsageAndExits2()
    {
        var run = await RunAsync("outbox", "frobnicate");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Usage: dotnet SpeBot.Host.dll <command>", run.Stderr, StringComparison.Ordinal);
    }

    internal static CopyReader Copy(string path) => new(path);

    internal sealed class CopyReader(string path)
    {
        public T Query<T>(string sql)
        {
            using var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
            c.Open();
            return Dapper.SqlMapper.QuerySingle<T>(c, sql);
        }
    }

    private async Task<long> QueueAsync(string key, string text)
    {
        var workspace = await Factory.Get<WorkspaceStore>().EnsureAsync(Platform.Slack, "T1");
        // Due tomorrow, so the running dispatcher leaves it alone while the test looks.
        await Factory.Get<OutboxStore>().EnqueueAloneAsync(Factory.Get<Database>(), new OutboundMessage(Platform.Slack, workspace.Id, "C1",
            OutboxKinds.Notice, new OutboundBody { Key = "help.more", Args = new() { ["text"] = text } }, key, Delay: TimeSpan.FromDays(1)));
        return (await Factory.Get<OutboxStore>().FindAsync(key))!.Id;
    }

    private async Task KillAsync(string key, string error) =>
        await Factory.Get<OutboxStore>().DeadAsync((await Factory.Get<OutboxStore>().FindAsync(key))!, error);

    private async Task<HostRun> RunAsync(params string[] command)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await AdminCommandLine.RunAsync(Factory.Services, Factory.Get<IConfiguration>(), command, stdout, stderr, CancellationToken.None);
        return new HostRun(code, stdout.ToString(), stderr.ToString());
    }
}

using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SpeBot.Core;
using SpeBot.Core.Schedules;
using SpeBot.Core.Storage;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Core.Schedules;

public sealed class ScheduleRunnerTests : IDisposable
{
    private TestDatabase _t = null!;
    private ScheduleStore _store = null!;
    private ScheduleRunner _runner = null!;

    private void Use(StorageProvider provider)
    {
        _t = new TestDatabase(provider);
        _store = new ScheduleStore(_t.Db, _t.Clock);
        _runner = new ScheduleRunner(_t.Db, _store, [new DigestPost(_t.Outbox, _t.Clock)], _t.Signal, _t.Clock, NullLogger<ScheduleRunner>.Instance);
    }

    public void Dispose() => _t?.Dispose();

    private async Task<long> DigestScheduleAsync(string when = "mon 09:00", string zone = "Asia/Tokyo")
    {
        var workspace = await _t.Workspaces.EnsureAsync(Platform.Slack, "T1");
        When.TryParse(when, out var cron);
        return await _store.AddAsync(workspace.Id, ScheduleKinds.Digest, "C100", cron, zone, "U1");
    }

    private List<string> DigestKeys() =>
        _t.Db.ReadAsync(c => c.QueryAsync<string>("SELECT dedupe_key FROM outbox WHERE kind = 'digest' ORDER BY id")).Result.ToList();

    [Theory]
    [Providers]
    public async Task ADoubleFirePostsOnce(StorageProvider provider)
    {
        Use(provider);
        var id = await DigestScheduleAsync();
        // The clock starts Monday 2026-11-02 09:00 UTC (18:00 Tokyo); the next Monday 09:00 Tokyo is 11-09 00:00 UTC.
        _t.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 9, 0, 0, 5, TimeSpan.Zero));

        Assert.Equal(RunOutcome.Posted, await _runner.RunAsync(id, default));
        _t.Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(RunOutcome.AlreadyClaimed, await _runner.RunAsync(id, default));

        Assert.Equal([$"digest:{id}:2026-11-09T00:00:00.000Z"], DigestKeys());
    }

    [Theory]
    [Providers]
    public async Task APeriodBeforeTheScheduleExistedIsNeverMadeUp(StorageProvider provider)
    {
        Use(provider);
        var id = await DigestScheduleAsync();
        Assert.Equal(RunOutcome.NotDue, await _runner.RunAsync(id, default));
        Assert.Equal(0, await _runner.CatchUpAsync(default));
        Assert.Empty(DigestKeys());
    }

    [Theory]
    [Providers]
    public async Task CatchUpAfterDowntimeMakesUpOnlyTheLatestPeriodExactlyOnce(StorageProvider provider)
    {
        Use(provider);
        var id = await DigestScheduleAsync();
        // Down for three weeks: three Mondays were missed; only the latest is posted.
        _t.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 25, 3, 0, 0, TimeSpan.Zero));

        Assert.Equal(1, await _runner.CatchUpAsync(default));
        Assert.Equal(0, await _runner.CatchUpAsync(default));
        Assert.Equal(RunOutcome.AlreadyClaimed, await _runner.RunAsync(id, default));

        Assert.Equal([$"digest:{id}:2026-11-23T00:00:00.000Z"], DigestKeys());
        var runs = await _t.Db.ReadAsync(c => c.QueryAsync<string>("SELECT period FROM schedule_runs WHERE schedule_id = @id", new { id }));
        Assert.Equal(["2026-11-23T00:00:00.000Z"], runs);
    }

    [Theory]
    [Providers]
    public async Task ADisabledScheduleNeverRuns(StorageProvider provider)
    {
        Use(provider);
        var id = await DigestScheduleAsync();
        var workspace = await _t.Workspaces.EnsureAsync(Platform.Slack, "T1");
        Assert.True(await _store.DisableAsync(workspace.Id, id));
        _t.Clock.Advance(TimeSpan.FromDays(8));
        Assert.Equal(RunOutcome.Gone, await _runner.RunAsync(id, default));
    }

    [Theory]
    [Providers]
    public async Task ConfiguredSchedulesAreSeededOnceAndDisabledWhenRemoved(StorageProvider provider)
    {
        Use(provider);
        var options = new ScheduleOptions
        {
            Entries = [new ConfiguredSchedule { Workspace = "T1", Kind = "digest", Channel = "C100", When = "mon 09:00" }],
        };
        var seeder = new ScheduleSeeder(_store, _t.Workspaces, Options.Create(options), Options.Create(new SpeBotOptions { DefaultTimeZone = "Asia/Tokyo" }));
        await seeder.SeedAsync(default);
        await seeder.SeedAsync(default);
        var rows = await _store.EnabledAsync();
        var row = Assert.Single(rows);
        Assert.Equal(("config", "0 0 9 ? * MON", "Asia/Tokyo"), (row.Source, row.Cron, row.TimeZone));

        options.Entries.Clear();
        await seeder.SeedAsync(default);
        Assert.Empty(await _store.EnabledAsync());
    }

    [Theory]
    [Providers]
    public void InvalidConfiguredScheduleNamesItsKey(StorageProvider provider)
    {
        Use(provider);
        var options = new ScheduleOptions { Entries = [new ConfiguredSchedule { Workspace = "T1", Kind = "digest", Channel = "C1", When = "someday" }] };
        var errors = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).ToList();
        Assert.Contains(errors, e => e.ErrorMessage!.Contains("Schedules:Entries:0:When", StringComparison.Ordinal));
    }
}

using Dapper;
using Microsoft.Extensions.Options;
using SpeBot.Core;
using SpeBot.Core.Items;
using SpeBot.Core.Schedules;
using SpeBot.Core.Storage;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Core.Schedules;

public sealed class NudgeTests : IDisposable
{
    private static readonly TimeZoneInfo Tokyo = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
    private TestDatabase _t = null!;

    private void Use(StorageProvider provider) => _t = new TestDatabase(provider);

    public void Dispose() => _t?.Dispose();

    [Theory]
    [InlineData("2026-11-02T01:00:00Z", null)]                     // Monday 10:00 Tokyo: inside
    [InlineData("2026-11-02T09:30:00Z", "2026-11-03T00:00:00Z")]   // Monday 18:30 Tokyo: next morning 09:00
    [InlineData("2026-10-31T03:00:00Z", "2026-11-02T00:00:00Z")]   // Saturday: Monday 09:00
    [InlineData("2026-11-01T23:59:00Z", "2026-11-02T00:00:00Z")]   // Monday 08:59 Tokyo: a minute later
    public void NudgesWaitForWorkingHoursOnWorkingDays(string now, string? next)
    {
        var start = WorkingHours.NextStart(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture), Tokyo, new ScheduleOptions());
        Assert.Equal(next is null ? null : DateTimeOffset.Parse(next, System.Globalization.CultureInfo.InvariantCulture), start);
    }

    [Theory]
    [Providers]
    public void WorkingHoursFollowThePersonsOwnZone(StorageProvider provider)
    {
        Use(provider);
        // Monday 2026-11-02 15:00 UTC is 10:00 in New York (inside) and 00:00 Tuesday in Tokyo (outside).
        var now = new DateTimeOffset(2026, 11, 2, 15, 0, 0, TimeSpan.Zero);
        Assert.Null(WorkingHours.NextStart(now, NewYork, new ScheduleOptions()));
        Assert.NotNull(WorkingHours.NextStart(now, Tokyo, new ScheduleOptions()));
    }

    [Theory]
    [Providers]
    public async Task NudgeRunDmsEachPersonWithStaleClaimsExceptThoseWhoOptedOutAndNamesUnownedTopItems(StorageProvider provider)
    {
        Use(provider);
        var ws = await _t.Workspaces.EnsureAsync(Platform.Slack, "T1");
        var ids = new List<long>();
        foreach (var (title, claimer) in new[] { ("A", "U1"), ("B", "U1"), ("C", "U2"), ("D", (string?)null) })
        {
            var (item, _) = await _t.Proposals.SubmitAsync(Platform.Slack, new NewItem(ws.Id, title, "slack", "U9"), "C100", default);
            ids.Add(item.Id);
            if (claimer is not null)
                await _t.Db.WriteAsync((c, tx) => c.ExecuteAsync("UPDATE items SET status = 'in_progress', claimed_by = @claimer, claimed_at = @at WHERE id = @Id",
                    new { claimer, at = Iso.Of(_t.Clock.GetUtcNow()), item.Id }, tx));
        }
        var settings = new NudgeSettings(_t.Db, new FixedZones(), _t.Clock);
        await settings.SetEnabledAsync(ws.Id, "U2", false);
        _t.Clock.Advance(TimeSpan.FromDays(10));

        var store = new ScheduleStore(_t.Db, _t.Clock);
        When.TryParse("mon 09:00", out var cron);
        var id = await store.AddAsync(ws.Id, ScheduleKinds.Nudge, "C100", cron, "Asia/Tokyo", "U1");
        var post = new NudgePost(_t.Outbox, _t.Queries, _t.Clock, Options.Create(new ScheduleOptions()));
        var schedule = (await store.GetAsync(id))!;
        await _t.Db.WriteAsync(async (c, tx) =>
        {
            await post.EnqueueAsync(c, tx, schedule, new Period(_t.Clock.GetUtcNow().AddDays(-7), _t.Clock.GetUtcNow()), default);
            return 0;
        });

        var rows = (await _t.Db.ReadAsync(c => c.QueryAsync<(string Kind, string Channel, string Body)>(
            "SELECT kind AS Kind, channel_id AS Channel, body AS Body FROM outbox WHERE kind IN ('nudge', 'notice') ORDER BY id"))).ToList();
        var dm = Assert.Single(rows, r => r.Kind == "nudge");
        Assert.Equal("U1", dm.Channel);
        Assert.Contains($"{ids[0]},{ids[1]}", dm.Body);
        var line = Assert.Single(rows, r => r.Kind == "notice");
        Assert.Equal("C100", line.Channel);
        Assert.Contains("nudge.unowned", line.Body);
        Assert.Contains("SPE-4 D", line.Body);
        Assert.DoesNotContain("SPE-1 A", line.Body);
    }

    [Theory]
    [Providers]
    public async Task PersonsZoneIsLookedUpOnceAndCached(StorageProvider provider)
    {
        Use(provider);
        var ws = await _t.Workspaces.EnsureAsync(Platform.Slack, "T1");
        var zones = new FixedZones();
        var settings = new NudgeSettings(_t.Db, zones, _t.Clock);
        Assert.Equal("America/New_York", (await settings.ZoneAsync(ws.Id, "U1"))!.Id);
        Assert.Equal("America/New_York", (await settings.ZoneAsync(ws.Id, "U1"))!.Id);
        Assert.Equal(1, zones.Calls);
    }

    private sealed class FixedZones : IUserTimeZones
    {
        public int Calls;

        public Task<string?> LookupAsync(long workspaceId, string userId, CancellationToken ct)
        {
            Calls++;
            return Task.FromResult<string?>("America/New_York");
        }
    }
}

using Dapper;
using SpeBot.Core.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SpeBot.Core;
using SpeBot.Core.Items;
using SpeBot.Core.Oncall;
using SpeBot.Core.Schedules;
using SpeBot.Tests.Core.Retro;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Core.Oncall;

public sealed class HandoffTests : IDisposable
{
    private TestDatabase _t = null!;
    private readonly RetroPollTests.RecordingTimers _timers = new();
    private ShiftStore _shifts = null!;
    private long _ws;

    private void Use(StorageProvider provider)
    {
        _t = new TestDatabase(provider);
        _shifts = new ShiftStore(_t.Db, _t.Clock);
    }

    public void Dispose() => _t?.Dispose();

    private Handoffs Handoffs(params string[] rotation) =>
        new(_t.Db, _t.Outbox, _t.Signal, _timers, _t.Clock, Options.Create(new OncallOptions { Rotation = rotation, AckReminderMinutes = 30 }));

    private HandoffBuilder Builder() => new(_t.Db, _shifts, _t.Queries, _t.Clock, Options.Create(new ScheduleOptions()));

    private async Task<HandoffStarted> StartAsync(Handoffs handoffs, string? incoming = null, string key = "k1")
    {
        _ws = (await _t.Workspaces.EnsureAsync(Platform.Slack, "T1")).Id;
        return (await _t.Db.WriteAsync((c, tx) => handoffs.StartAsync(c, tx, Platform.Slack, _ws, "C300", key, incoming, "U1",
            _t.Clock.GetUtcNow().AddDays(-7), default)))!;
    }

    private long Count(string sql) => _t.Db.ReadAsync(c => c.ExecuteScalarAsync<long>(sql)).Result;

    [Theory]
    [Providers]
    public async Task AShiftWithoutNotesIsAQuietShift(StorageProvider provider)
    {
        Use(provider);
        var ws = (await _t.Workspaces.EnsureAsync(Platform.Slack, "T1")).Id;
        await _shifts.StartAsync(ws, "U1", "U1");
        _t.Clock.Advance(TimeSpan.FromHours(8));
        var started = await StartAsync(Handoffs(), "U2");

        var model = (await Builder().BuildAsync(started.Id))!;
        Assert.True(model.Quiet);
        Assert.Equal(("U1", "U2"), (started.Outgoing, started.Incoming));
    }

    [Theory]
    [Providers]
    public async Task NotesInTheShiftAreSortedIntoToilOpenQuestionsAndTouchedItems(StorageProvider provider)
    {
        Use(provider);
        var ws = (await _t.Workspaces.EnsureAsync(Platform.Slack, "T1")).Id;
        await _t.Proposals.SubmitAsync(Platform.Slack, new NewItem(ws, "Old item", "slack", "U9"), "C100", default);
        _t.Clock.Advance(TimeSpan.FromMinutes(5));
        await _shifts.StartAsync(ws, "U1", "U1");
        _t.Clock.Advance(TimeSpan.FromHours(1));
        await _shifts.AddNoteAsync(ws, "U1", "Restarted the flaky runner #toil", isToil: true);
        await _shifts.AddNoteAsync(ws, "U1", "Who owns the cert renewal?", isToil: false);
        await _shifts.AddNoteAsync(ws, "U1", "Paged twice for disk", isToil: false);
        await _t.Proposals.SubmitAsync(Platform.Slack, new NewItem(ws, "Fix disk alerts", "slack", "U1"), "C100", default);
        _t.Clock.Advance(TimeSpan.FromHours(1));
        var started = await StartAsync(Handoffs(), "U2");

        var model = (await Builder().BuildAsync(started.Id))!;
        Assert.False(model.Quiet);
        Assert.Equal(3, model.Notes.Count);
        Assert.Equal("Restarted the flaky runner #toil", Assert.Single(model.Toil).Text);
        Assert.Equal("Who owns the cert renewal?", Assert.Single(model.Questions).Text);
        // Only the item created inside the shift was touched in it.
        Assert.Equal("Fix disk alerts", Assert.Single(model.Touched).Item.Title);
    }

    [Theory]
    [Providers]
    public async Task TheRotationHandsToTheNextPersonAndADoubleFireHandsOverOnce(StorageProvider provider)
    {
        Use(provider);
        var ws = (await _t.Workspaces.EnsureAsync(Platform.Slack, "T1")).Id;
        await _shifts.StartAsync(ws, "U1", "U1");
        var store = new ScheduleStore(_t.Db, _t.Clock);
        When.TryParse("daily 18:00", out var cron);
        var sid = await store.AddAsync(ws, ScheduleKinds.Handoff, "C300", cron, "UTC", "U1");
        var runner = new ScheduleRunner(_t.Db, store, [new HandoffPost(Handoffs("U1", "U2", "U3"))], _t.Signal, _t.Clock,
            NullLogger<ScheduleRunner>.Instance);
        _t.Clock.Advance(TimeSpan.FromHours(9));

        Assert.Equal(RunOutcome.Posted, await runner.RunAsync(sid, default));
        Assert.Equal(RunOutcome.AlreadyClaimed, await runner.RunAsync(sid, default));

        Assert.Equal("U2", (await _shifts.CurrentAsync(ws))!.UserId);
        Assert.Equal(1, Count("SELECT COUNT(*) FROM handoffs"));
        Assert.Equal(1, Count("SELECT COUNT(*) FROM outbox WHERE kind = 'handoff'"));
        Assert.Equal(1, Count("SELECT COUNT(*) FROM outbox WHERE kind = 'handoff_dm' AND channel_id = 'U2'"));
        Assert.Equal(SpeBot.Core.Schedules.DueKinds.HandoffReminder, Assert.Single(_timers.Armed).Kind);
    }

    [Theory]
    [Providers]
    public async Task AnUnackedHandoffIsRemindedExactlyOnceAcrossRetriesAndRestarts(StorageProvider provider)
    {
        Use(provider);
        var started = await StartAsync(Handoffs(), "U2");
        Assert.Equal(0, await Handoffs().RemindDueAsync());

        _t.Clock.Advance(TimeSpan.FromMinutes(31));
        Assert.Equal(1, await Handoffs().RemindDueAsync());
        Assert.Equal(0, await Handoffs().RemindDueAsync());
        Assert.False(await Handoffs().RemindAsync(started.Id));

        Assert.Equal(1, Count($"SELECT COUNT(*) FROM outbox WHERE dedupe_key = 'handoff_reminder:{started.Id}' AND channel_id = 'U2'"));
    }

    [Theory]
    [Providers]
    public async Task AnAckedHandoffIsNeverRemindedAndOnlyTheIncomingPersonCanAck(StorageProvider provider)
    {
        Use(provider);
        var started = await StartAsync(Handoffs(), "U2");

        Assert.Equal(AckOutcome.NotYours, await Handoffs().AckAsync(_ws, started.Id, "U3"));
        Assert.Equal(AckOutcome.NotFound, await Handoffs().AckAsync(_ws + 1, started.Id, "U2"));
        Assert.Equal(AckOutcome.Acked, await Handoffs().AckAsync(_ws, started.Id, "U2"));
        Assert.Equal(AckOutcome.AlreadyAcked, await Handoffs().AckAsync(_ws, started.Id, "U2"));
        _t.Clock.Advance(TimeSpan.FromHours(2));

        Assert.Equal(0, await Handoffs().RemindDueAsync());
        Assert.False(await Handoffs().RemindAsync(started.Id));
        Assert.Equal(0, Count("SELECT COUNT(*) FROM outbox WHERE dedupe_key LIKE 'handoff_reminder:%'"));
    }

    [Theory]
    [InlineData(new string[0], "U1", null)]
    [InlineData(new[] { "U1", "U2" }, "U1", "U2")]
    [InlineData(new[] { "U1", "U2" }, "U2", "U1")]
    [InlineData(new[] { "U1", "U2" }, "U9", "U1")]
    public void TheNextPersonComesFromTheRotation(string[] rotation, string current, string? next) =>
        Assert.Equal(next, OncallOptions.Next(rotation, current));
}

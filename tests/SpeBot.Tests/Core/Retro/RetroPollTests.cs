using SpeBot.Core.Events;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SpeBot.Core;
using SpeBot.Core.Items;
using SpeBot.Core.Retro;
using SpeBot.Core.Schedules;
using SpeBot.Core.Storage;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Core.Retro;

public sealed class RetroPollTests : IDisposable
{
    private TestDatabase _t = null!;
    private readonly RecordingTimers _timers = new();

    private void Use(StorageProvider provider) => _t = new TestDatabase(provider);

    public void Dispose() => _t?.Dispose();

    private RetroPolls Polls() => new(_t.Db, _t.Outbox, _t.Signal, _t.Queries, _timers, _t.Clock, Options.Create(new RetroOptions()), new Inbox(_t.Clock));

    /// <summary>Two done items (by U7 and U8) and one open item; returns the workspace and the item ids.</summary>
    private async Task<(long Workspace, long DoneA, long DoneB, long Open)> SeedAsync()
    {
        var ws = await _t.Workspaces.EnsureAsync(Platform.Slack, "T1");
        var ids = new List<long>();
        foreach (var title in new[] { "Cut CI time", "Rotate keys", "Drop Python 3.8" })
            ids.Add((await _t.Proposals.SubmitAsync(Platform.Slack, new NewItem(ws.Id, title, "slack", "U9"), "C100", default)).Item.Id);
        foreach (var (id, by) in new[] { (ids[0], "U7"), (ids[1], "U8") })
            await _t.Db.WriteAsync((c, tx) => c.ExecuteAsync("UPDATE items SET status = 'done', done_at = @at, done_by = @by WHERE id = @id",
                new { id, by, at = Iso.Of(_t.Clock.GetUtcNow()) }, tx));
        return (ws.Id, ids[0], ids[1], ids[2]);
    }

    private async Task<long> OpenAsync(long workspace, bool anonymous = false) =>
        (await _t.Db.WriteAsync((c, tx) => Polls().OpenAsync(c, tx, Platform.Slack, workspace, "C200", "U1",
            _t.Clock.GetUtcNow().AddDays(-7), TimeSpan.FromHours(2), anonymous, default)))!.Value;

    private static string O(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private List<(string Key, string Kind, string Body)> Outbox() =>
        _t.Db.ReadAsync(c => c.QueryAsync<(string, string, string)>("SELECT dedupe_key, kind, body FROM outbox ORDER BY id")).Result.ToList();

    [Theory]
    [Providers]
    public async Task PollOffersTheDoneItemsAndTheTopOpenItemsAndArmsItsCloseTimer(StorageProvider provider)
    {
        Use(provider);
        var (ws, a, b, open) = await SeedAsync();
        var id = await OpenAsync(ws);
        await Polls().ArmTimersAsync();

        var view = (await Polls().ViewAsync(id))!;
        Assert.Equal(new[] { a, b }.Order(), view.Questions[0].Choices.Select(c => c.Item!.Id).Order());
        Assert.Equal([open], view.Questions[1].Choices.Select(c => c.Item!.Id));
        Assert.Contains(Outbox(), r => r.Key == $"poll:{id}" && r.Kind == "poll");
        Assert.Equal((DueKinds.PollClose, id, _t.Clock.GetUtcNow().AddHours(2)), Assert.Single(_timers.Armed));
    }

    [Theory]
    [Providers]
    public async Task ClickingAnotherOptionMovesTheVoteSoEachPersonHasOneVotePerQuestion(StorageProvider provider)
    {
        Use(provider);
        var (ws, a, b, open) = await SeedAsync();
        var id = await OpenAsync(ws);
        var polls = Polls();

        Assert.Equal(VoteOutcome.Recorded, await polls.VoteAsync(Platform.Slack, ws, id, "done", O(a), "U1"));
        Assert.Equal(VoteOutcome.Changed, await polls.VoteAsync(Platform.Slack, ws, id, "done", O(b), "U1"));
        Assert.Equal(VoteOutcome.Unchanged, await polls.VoteAsync(Platform.Slack, ws, id, "done", O(b), "U1"));
        Assert.Equal(VoteOutcome.Recorded, await polls.VoteAsync(Platform.Slack, ws, id, "next", O(open), "U1"));

        var view = (await polls.ViewAsync(id))!;
        Assert.Equal([0, 1], view.Questions[0].Choices.OrderBy(c => c.Item!.Id).Select(c => c.Votes));
        Assert.Equal(1, view.VoterCount);
        Assert.Equal(2, await _t.Db.ReadAsync(c => c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM poll_votes WHERE voter_id = 'U1'")));
        // Every vote refreshes the same coalescing row: one chat.update per burst.
        Assert.Single(Outbox(), r => r.Kind == "poll_update");
    }

    [Theory]
    [Providers]
    public async Task VotesForOptionsOutsideThePollOrFromAnotherWorkspaceAreRejected(StorageProvider provider)
    {
        Use(provider);
        var (ws, a, _, open) = await SeedAsync();
        var id = await OpenAsync(ws);
        var polls = Polls();

        Assert.Equal(VoteOutcome.Invalid, await polls.VoteAsync(Platform.Slack, ws, id, "done", O(open), "U1"));
        Assert.Equal(VoteOutcome.Invalid, await polls.VoteAsync(Platform.Slack, ws + 1, id, "done", O(a), "U1"));
        Assert.Equal(VoteOutcome.Invalid, await polls.VoteAsync(Platform.Slack, ws, id + 99, "done", O(a), "U1"));
        Assert.Equal(0, await _t.Db.ReadAsync(c => c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM poll_votes")));
    }

    [Theory]
    [Providers]
    public async Task ClosingTwiceClosesOnceWithOneResultsEditAndOneRecognitionOfTheWinnersDoer(StorageProvider provider)
    {
        Use(provider);
        var (ws, a, b, _) = await SeedAsync();
        var id = await OpenAsync(ws);
        var polls = Polls();
        await polls.VoteAsync(Platform.Slack, ws, id, "done", O(b), "U1");
        await polls.VoteAsync(Platform.Slack, ws, id, "done", O(b), "U2");
        await polls.VoteAsync(Platform.Slack, ws, id, "done", O(a), "U3");

        Assert.True(await polls.CloseAsync(id));
        Assert.False(await polls.CloseAsync(id));
        Assert.Equal(VoteOutcome.Closed, await polls.VoteAsync(Platform.Slack, ws, id, "done", O(a), "U4"));

        var recognition = Assert.Single(Outbox(), r => r.Key == $"poll_recognition:{id}");
        Assert.Contains("retro.recognition", recognition.Body);
        Assert.Contains("\"user\":\"U8\"", recognition.Body);
        Assert.Contains("Rotate keys", recognition.Body);
        var view = (await polls.ViewAsync(id))!;
        Assert.True(view.Closed);
        Assert.Equal(b, view.Questions[0].Winner!.Item!.Id);
    }

    [Theory]
    [Providers]
    public async Task APollWhoseTimePassedWhileDownIsClosedExactlyOnceAcrossRestarts(StorageProvider provider)
    {
        Use(provider);
        var (ws, a, _, _) = await SeedAsync();
        var id = await OpenAsync(ws);
        await Polls().VoteAsync(Platform.Slack, ws, id, "done", O(a), "U1");
        Assert.Equal(0, await Polls().CloseDueAsync());

        _t.Clock.Advance(TimeSpan.FromHours(3));
        Assert.Equal(1, await Polls().CloseDueAsync());
        Assert.Equal(0, await Polls().CloseDueAsync());
        Assert.False(await Polls().CloseAsync(id));
        Assert.Single(Outbox(), r => r.Key.StartsWith("poll_recognition:", StringComparison.Ordinal));
    }

    [Theory]
    [Providers]
    public async Task AnonymousPollKeepsVotersOutOfItsView(StorageProvider provider)
    {
        Use(provider);
        var (ws, a, _, _) = await SeedAsync();
        var id = await OpenAsync(ws, anonymous: true);
        await Polls().VoteAsync(Platform.Slack, ws, id, "done", O(a), "U1");
        await Polls().CloseAsync(id);

        var view = (await Polls().ViewAsync(id))!;
        Assert.True(view.Poll.Anonymous);
        Assert.All(view.Questions.SelectMany(q => q.Choices), c => Assert.Empty(c.Voters));
        Assert.Equal(1, view.Questions[0].Winner!.Votes);
    }

    [Theory]
    [Providers]
    public async Task ScheduledRetroOpensOnePollPerPeriodAndArmsItsTimer(StorageProvider provider)
    {
        Use(provider);
        var (ws, _, _, _) = await SeedAsync();
        var store = new ScheduleStore(_t.Db, _t.Clock);
        When.TryParse("daily 18:00", out var cron);
        var sid = await store.AddAsync(ws, ScheduleKinds.Retro, "C200", cron, "UTC", "U1");
        var runner = new ScheduleRunner(_t.Db, store, [new RetroPost(Polls(), Options.Create(new RetroOptions()))], _t.Signal, _t.Clock,
            NullLogger<ScheduleRunner>.Instance);
        _t.Clock.Advance(TimeSpan.FromHours(9));

        Assert.Equal(RunOutcome.Posted, await runner.RunAsync(sid, default));
        Assert.Equal(RunOutcome.AlreadyClaimed, await runner.RunAsync(sid, default));
        Assert.Single(Outbox(), r => r.Kind == "poll");
        Assert.Equal(DueKinds.PollClose, Assert.Single(_timers.Armed).Kind);
    }

    [Theory]
    [InlineData("30m", 30)]
    [InlineData("2h", 120)]
    [InlineData("1d", 1440)]
    public void PollDurationsReadMinutesHoursAndDays(string text, int minutes)
    {
        Assert.True(PollDuration.TryParse(text, out var d));
        Assert.Equal(TimeSpan.FromMinutes(minutes), d);
    }

    [Theory]
    [InlineData("0m")]
    [InlineData("15d")]
    [InlineData("soon")]
    public void PollDurationsOutsideOneMinuteToTwoWeeksAreRejected(string text) => Assert.False(PollDuration.TryParse(text, out _));

    internal sealed class RecordingTimers : IDueTimers
    {
        public List<(string Kind, long Id, DateTimeOffset At)> Armed { get; } = [];

        public Task ScheduleAsync(string kind, long id, DateTimeOffset at, CancellationToken ct)
        {
            Armed.Add((kind, id, at));
            return Task.CompletedTask;
        }
    }
}

using System.Data.Common;
using System.Globalization;
using Dapper;
using Microsoft.Extensions.Options;
using SpeBot.Core.Events;
using SpeBot.Core.Items;
using SpeBot.Core.Outbox;
using SpeBot.Core.Storage;
using SpeBot.Core.Schedules;

namespace SpeBot.Core.Retro;

public enum VoteOutcome { Recorded, Changed, Unchanged, Closed, Invalid }

/// <summary>
/// Retro polls: open (options fixed from done and top open items), vote (one per person per question, changeable;
/// the tally refresh is one coalescing outbox row per poll), close (claimed once; edits the poll and recognises).
/// </summary>
public sealed class RetroPolls(Database db, OutboxStore outbox, OutboxSignal signal, ItemQueries queries, IDueTimers timers,
                               TimeProvider clock, IOptions<RetroOptions> options, Inbox inbox)
{
    // This store's dialect difference (Storage/Dialect.cs): how a list parameter is matched.
    private readonly string _inIds = db.Provider.In("ids");

    public async Task<long?> OpenAsync(DbConnection c, DbTransaction tx, Platform platform, long workspaceId, string channelId, string? openedBy,
                                       DateTimeOffset doneFrom, TimeSpan duration, bool anonymous, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var n = options.Value.OptionsPerQuestion;
        var rows = (await c.QueryAsync<Item>(new CommandDefinition($"""
            {ItemStore.Select}
            WHERE i.workspace_id = @workspaceId AND (i.status IN ('proposed', 'accepted', 'in_progress') OR (i.status = 'done' AND i.done_at >= @from))
            """, new { workspaceId, from = Iso.Of(doneFrom) }, tx, cancellationToken: ct))).Select(queries.View).ToList();
        var done = rows.Where(v => v.Item.State == ItemStatus.Done).OrderByDescending(v => v.Item.DoneAt).Take(n).ToList();
        var next = rows.Where(v => ItemLifecycle.IsOpen(v.Item.State)).OrderByDescending(v => v.Score).ThenBy(v => v.Item.Number).Take(n).ToList();
        if (done.Count == 0 && next.Count == 0) return null;

        var id = await PollStore.InsertAsync(c, tx, workspaceId, channelId, anonymous, openedBy, now, now + duration, ct);
        for (var i = 0; i < done.Count; i++) await PollStore.AddOptionAsync(c, tx, id, PollQuestions.Done, done[i].Item.Id, i, ct);
        for (var i = 0; i < next.Count; i++) await PollStore.AddOptionAsync(c, tx, id, PollQuestions.Next, next[i].Item.Id, i, ct);
        await outbox.EnqueueAsync(c, tx, new OutboundMessage(platform, workspaceId, channelId, OutboxKinds.Poll,
            new OutboundBody { Key = Key(id) }, $"poll:{id}"), ct);
        return id;
    }

    /// <summary>
    /// Records or moves the voter's choice. With an <paramref name="eventKey"/> a retried click (same key) changes nothing
    /// and reports <see cref="VoteOutcome.Unchanged"/>, even when a later click moved the vote meanwhile.
    /// </summary>
    public async Task<VoteOutcome> VoteAsync(Platform platform, long workspaceId, long pollId, string question, string optionId, string voterId,
                                             CancellationToken ct = default, string? eventKey = null)
    {
        var outcome = await db.WriteAsync(async (c, tx) =>
        {
            if (eventKey is not null && !await inbox.TryRecordAsync(c, tx, platform, eventKey, ct)) return VoteOutcome.Unchanged;
            var poll = await PollStore.GetAsync(c, tx, pollId, ct);
            if (poll is null || poll.WorkspaceId != workspaceId) return VoteOutcome.Invalid;
            if (poll.ClosedAt is not null) return VoteOutcome.Closed;
            var options = await PollStore.OptionsAsync(c, tx, pollId, ct);
            if (!options.Any(o => o.Question == question && o.OptionId == optionId)) return VoteOutcome.Invalid;
            var previous = await PollStore.UpsertVoteAsync(c, tx, pollId, question, voterId, optionId, clock.GetUtcNow(), ct);
            if (previous == optionId) return VoteOutcome.Unchanged;
            await EnqueueUpdateAsync(c, tx, platform, poll, ct);
            return previous is null ? VoteOutcome.Recorded : VoteOutcome.Changed;
        }, ct);
        if (outcome is VoteOutcome.Recorded or VoteOutcome.Changed) signal.Notify();
        return outcome;
    }

    /// <summary>Closes once: the claim, the results edit and the recognition line commit together. False when already closed.</summary>
    public async Task<bool> CloseAsync(long pollId, CancellationToken ct = default)
    {
        var closed = await db.WriteAsync(async (c, tx) =>
        {
            if (!await PollStore.ClaimCloseAsync(c, tx, pollId, clock.GetUtcNow(), ct)) return false;
            var view = await ViewAsync(c, tx, pollId, ct);
            if (view is null) return true;
            var platform = PlatformNames.Parse(view.Poll.Platform);
            await EnqueueUpdateAsync(c, tx, platform, view.Poll, ct);
            if (view.Questions.First(q => q.Question == PollQuestions.Done).Winner is { Item: { } item } win)
            {
                var line = new Message("retro.recognition", new()
                {
                    ["ref"] = item.Ref, ["title"] = item.Title, ["votes"] = win.Votes,
                    ["user"] = new UserRef(item.DoneBy ?? item.ClaimedBy ?? item.AuthorId),
                });
                await outbox.EnqueueAsync(c, tx, new OutboundMessage(platform, view.Poll.WorkspaceId, view.Poll.ChannelId, OutboxKinds.Notice,
                    Notices.Body(line, view.Poll.ChannelId, null, ephemeral: false), $"poll_recognition:{pollId}"), ct);
            }
            return true;
        }, ct);
        if (closed) signal.Notify();
        return closed;
    }

    /// <summary>Closes every poll whose time has passed (start-up after downtime, and the periodic safety net).</summary>
    public async Task<int> CloseDueAsync(CancellationToken ct = default) =>
        await DueRows.ActOnDueAsync(await OpenPollsAsync(ct), clock.GetUtcNow(), id => CloseAsync(id, ct));

    /// <summary>Arms a close timer for every open poll.</summary>
    public async Task ArmTimersAsync(CancellationToken ct = default) =>
        await timers.ArmAsync(DueKinds.PollClose, await OpenPollsAsync(ct), ct);

    private async Task<IEnumerable<(long Id, DateTimeOffset At)>> OpenPollsAsync(CancellationToken ct) =>
        (await db.ReadAsync(c => PollStore.OpenPollsAsync(c, ct), ct)).Select(p => (p.Id, p.ClosesAt));

    public Task<PollView?> ViewAsync(long pollId, CancellationToken ct = default) => db.ReadAsync(c => ViewAsync(c, null, pollId, ct), ct);

    private async Task<PollView?> ViewAsync(DbConnection c, DbTransaction? tx, long pollId, CancellationToken ct)
    {
        var poll = await PollStore.GetAsync(c, tx, pollId, ct);
        if (poll is null) return null;
        var options = await PollStore.OptionsAsync(c, tx, pollId, ct);
        var ids = options.Where(o => o.ItemId is not null).Select(o => o.ItemId!.Value).Distinct().ToList();
        var items = (await c.QueryAsync<Item>(new CommandDefinition($"{ItemStore.Select} WHERE i.id {_inIds}", new { ids }, tx, cancellationToken: ct)))
            .ToDictionary(i => i.Id);
        return PollView.Build(poll, options, await PollStore.VotesAsync(c, tx, pollId, ct), items);
    }

    private Task EnqueueUpdateAsync(DbConnection c, DbTransaction tx, Platform platform, Poll poll, CancellationToken ct) =>
        outbox.EnqueueAsync(c, tx, new OutboundMessage(platform, poll.WorkspaceId, poll.ChannelId, OutboxKinds.PollUpdate,
            new OutboundBody { Key = Key(poll.Id) }, $"poll_update:{poll.Id}", Coalesce: true, Delay: CardUpdates.Debounce), ct);

    public static string Key(long pollId) => pollId.ToString(CultureInfo.InvariantCulture);
}

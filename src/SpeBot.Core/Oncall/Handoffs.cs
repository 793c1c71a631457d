using System.Data.Common;
using System.Globalization;
using Microsoft.Extensions.Options;
using SpeBot.Core.Outbox;
using SpeBot.Core.Retro;
using SpeBot.Core.Storage;
using SpeBot.Core.Schedules;

namespace SpeBot.Core.Oncall;

public sealed record HandoffStarted(long Id, string? Outgoing, string? Incoming);

public enum AckOutcome { Acked, AlreadyAcked, NotYours, NotFound }

/// <summary>
/// On-call handoffs: summarise the outgoing shift into the channel, hand the shift to the incoming person, DM them
/// with an Ack button, and remind them once (a claimed reminder) when they have not acked in time.
/// </summary>
public sealed class Handoffs(Database db, OutboxStore outbox, OutboxSignal signal, IDueTimers timers, TimeProvider clock, IOptions<OncallOptions> options)
{
    /// <summary>
    /// Starts one handoff for <paramref name="refKey"/> (null when that key already ran). The shift summarised runs from the
    /// current shift's start (else <paramref name="fallbackFrom"/>) to now; the incoming person is <paramref name="incoming"/>,
    /// else the next in the rotation, else the same person again.
    /// </summary>
    public async Task<HandoffStarted?> StartAsync(DbConnection c, DbTransaction tx, Platform platform, long workspaceId, string channelId,
                                                 string refKey, string? incoming, string setBy, DateTimeOffset fallbackFrom, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var current = await ShiftStore.CurrentAsync(c, tx, workspaceId, ct);
        var outgoing = current?.UserId;
        incoming ??= OncallOptions.Next(options.Value.Rotation, outgoing) ?? outgoing;
        var remindAt = incoming is null ? (DateTimeOffset?)null : now.AddMinutes(options.Value.AckReminderMinutes);
        var id = await HandoffStore.InsertAsync(c, tx, workspaceId, channelId, refKey, outgoing, incoming,
            current?.StartedAt ?? fallbackFrom, now, remindAt, ct);
        if (id is not { } handoff) return null;
        var key = handoff.ToString(CultureInfo.InvariantCulture);
        await outbox.EnqueueAsync(c, tx, new OutboundMessage(platform, workspaceId, channelId, OutboxKinds.Handoff,
            new OutboundBody { Key = key }, $"handoff:{key}"), ct);
        if (incoming is not null)
        {
            if (incoming != outgoing) await ShiftStore.StartAsync(c, tx, workspaceId, incoming, setBy, now, ct);
            await outbox.EnqueueAsync(c, tx, new OutboundMessage(platform, workspaceId, incoming, OutboxKinds.HandoffDm,
                new OutboundBody { Key = key, UserId = incoming }, $"handoff_dm:{key}"), ct);
        }
        return new HandoffStarted(handoff, outgoing, incoming);
    }

    public async Task<AckOutcome> AckAsync(long workspaceId, long handoffId, string userId, CancellationToken ct = default) =>
        await db.WriteAsync(async (c, tx) =>
        {
            var h = await HandoffStore.GetAsync(c, tx, handoffId, ct);
            if (h is null || h.WorkspaceId != workspaceId) return AckOutcome.NotFound;
            if (h.IncomingId != userId) return AckOutcome.NotYours;
            return await HandoffStore.AckAsync(c, tx, handoffId, userId, clock.GetUtcNow(), ct) ? AckOutcome.Acked : AckOutcome.AlreadyAcked;
        }, ct);

    /// <summary>Reminds once: the claim and the reminder DM commit together; an acked or already reminded handoff does nothing.</summary>
    public async Task<bool> RemindAsync(long handoffId, CancellationToken ct = default)
    {
        var reminded = await db.WriteAsync(async (c, tx) =>
        {
            if (!await HandoffStore.ClaimReminderAsync(c, tx, handoffId, clock.GetUtcNow(), ct)) return false;
            var h = (await HandoffStore.GetAsync(c, tx, handoffId, ct))!;
            var key = handoffId.ToString(CultureInfo.InvariantCulture);
            await outbox.EnqueueAsync(c, tx, new OutboundMessage(PlatformNames.Parse(h.Platform), h.WorkspaceId, h.IncomingId!, OutboxKinds.HandoffDm,
                new OutboundBody { Key = key, UserId = h.IncomingId, Args = new() { ["reminder"] = "1" } }, $"handoff_reminder:{key}"), ct);
            return true;
        }, ct);
        if (reminded) signal.Notify();
        return reminded;
    }

    /// <summary>Sends the reminders that came due while no timer fired (start-up after downtime, periodic safety net).</summary>
    public async Task<int> RemindDueAsync(CancellationToken ct = default) =>
        await DueRows.ActOnDueAsync(await AwaitingAckAsync(ct), clock.GetUtcNow(), id => RemindAsync(id, ct));

    public async Task ArmTimersAsync(CancellationToken ct = default) =>
        await timers.ArmAsync(DueKinds.HandoffReminder, await AwaitingAckAsync(ct), ct);

    private async Task<IEnumerable<(long Id, DateTimeOffset At)>> AwaitingAckAsync(CancellationToken ct) =>
        (await db.ReadAsync(c => HandoffStore.AwaitingAckAsync(c, ct), ct)).Select(h => (h.Id, h.RemindAt!.Value));

    public Task<Handoff?> GetAsync(long id, CancellationToken ct = default) => db.ReadAsync(c => HandoffStore.GetAsync(c, null, id, ct), ct);
}

using System.Diagnostics;
using System.Globalization;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using SpeBot.Core;
using SpeBot.Core.Outbox;
using SpeBot.Core.Storage;

namespace SpeBot.Host.Jobs;

/// <summary>
/// Drains the outbox: leases due rows (one per channel at a time, oldest first), paces each channel,
/// honours rate limits without counting them, backs off on transient failures and dead-letters the rest.
/// </summary>
internal sealed partial class OutboxDispatcher(
    OutboxStore outbox,
    PostedMessageStore posted,
    Database db,
    OutboxSignal signal,
    IEnumerable<IChatSender> senders,
    TimeProvider clock,
    IOptions<OutboxOptions> options,
    IMeterFactory meters,
    ILogger<OutboxDispatcher> log) : BackgroundService
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);
    /// <summary>
    /// A send starts only while at least this much of its lease is left: after the lease ends another instance may take
    /// the row over, and a post that began late would then go twice. Slack and Bot Framework answer well within it.
    /// </summary>
    internal static readonly TimeSpan LeaseLeftToSend = TimeSpan.FromSeconds(20);
    private readonly Dictionary<Platform, IChatSender> _senders = senders.ToDictionary(s => s.Platform);
    private readonly ChannelPacing _pacing = new();
    private readonly Counter<long> _sent = meters.Create("SpeBot").CreateCounter<long>("spebot.outbox.sent");
    private readonly Counter<long> _dead = meters.Create("SpeBot").CreateCounter<long>("spebot.outbox.dead");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        var inFlight = new List<Task>();
        var lastClaim = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            inFlight.RemoveAll(t => t.IsCompleted);
            var room = o.Concurrency - inFlight.Count;
            IReadOnlyList<OutboxRow> rows = [];
            if (room > 0)
            {
                // Every commit signals; under a burst (thousands of votes a second) claiming on each signal would
                // query the outbox thousands of times a second to find the same few rows. One claim per gap serves them.
                var since = clock.GetUtcNow() - lastClaim;
                if (since < TimeSpan.FromMilliseconds(o.ClaimGapMs))
                {
                    try
                    {
                        await Task.Delay(TimeSpan.FromMilliseconds(o.ClaimGapMs) - since, clock, stoppingToken);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }
                lastClaim = clock.GetUtcNow();
                try
                {
                    rows = await outbox.ClaimDueAsync(room, Lease, stoppingToken);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    LogClaimFailed(e);
                }
            }
            // Deliveries use their own lifetime: shutdown stops claiming but lets a post in flight finish.
            foreach (var row in rows) inFlight.Add(Task.Run(() => DeliverAsync(row, CancellationToken.None), CancellationToken.None));
            if (rows.Count == 0 || room <= rows.Count)
            {
                var wake = signal.WaitAsync(TimeSpan.FromMilliseconds(o.PollIntervalMs), clock, stoppingToken);
                await (inFlight.Count > 0 ? Task.WhenAny(inFlight.Append(wake)) : wake);
            }
        }
        await Task.WhenAll(inFlight);
    }

    internal async Task DeliverAsync(OutboxRow row, CancellationToken ct)
    {
        // A child of the request that queued the row when its trace is known, so one trace shows the ack and the post.
        ActivityContext.TryParse(row.TraceParent, null, out var parent);
        using var span = SpeBot.Core.Telemetry.Source.StartActivity("spebot.outbox.send", ActivityKind.Internal, parent);
        span?.SetTag("spebot.platform", row.Platform);
        span?.SetTag("spebot.outbox.id", row.Id);
        span?.SetTag("spebot.outbox.kind", row.Kind);
        span?.SetTag("spebot.outbox.attempt", row.Attempts + 1);
        SendResult result;
        try
        {
            var platform = PlatformNames.Parse(row.Platform);
            if (!_senders.TryGetValue(platform, out var sender))
            {
                result = new SendResult.Deferred(TimeSpan.FromMinutes(5), $"{row.Platform} is not configured");
            }
            else
            {
                await WaitForChannelAsync(row, ct);
                if (row.LockedUntil is { } lease && Iso.Parse(lease) - clock.GetUtcNow() < LeaseLeftToSend)
                {
                    // Held up too long (a stalled process): the row goes to whichever claim takes it when the lease ends.
                    LogLeaseTooShort(row.Id, row.Kind);
                    return;
                }
                result = await sender.SendAsync(row, ct);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            result = new SendResult.Transient(e.GetType().Name + ": " + e.Message);
        }
        span?.SetTag("spebot.outbox.result", result.GetType().Name);
        if (result is SendResult.Transient or SendResult.Permanent) span?.SetStatus(ActivityStatusCode.Error);
        await ApplyAsync(row, result, ct);
    }

    private async Task ApplyAsync(OutboxRow row, SendResult result, CancellationToken ct)
    {
        var o = options.Value;
        var now = clock.GetUtcNow();
        switch (result)
        {
            case SendResult.Sent sent:
                await db.WriteAsync(async (c, tx) =>
                {
                    await outbox.MarkSentAsync(c, tx, row, sent.ExternalId, ct, TimeSpan.FromMilliseconds(o.ChannelIntervalMs));
                    if (sent.Map is not null) await posted.RecordAsync(c, tx, sent.Map, ct);
                    return 0;
                }, ct);
                _sent.Add(1);
                break;
            case SendResult.RateLimited limited:
                Pause(row, now + limited.RetryAfter);
                await outbox.RescheduleAsync(row, now + limited.RetryAfter, "rate limited", countAttempt: false, ct, channelFreeAt: now + limited.RetryAfter);
                LogRateLimited(row.Id, row.Kind, limited.RetryAfter.TotalSeconds);
                break;
            case SendResult.Deferred deferred:
                await outbox.RescheduleAsync(row, now + deferred.Wait, deferred.Reason, countAttempt: false, ct);
                break;
            case SendResult.Transient t when row.Attempts + 1 < o.MaxAttempts:
                var delay = Backoff(row.Attempts, o);
                await outbox.RescheduleAsync(row, now + delay, t.Error, countAttempt: true, ct);
                LogRetry(row.Id, row.Kind, row.Attempts + 1, delay.TotalSeconds, t.Error);
                break;
            case SendResult.Transient t:
                await DeadAsync(row, $"gave up after {o.MaxAttempts} attempts: {t.Error}", ct);
                break;
            case SendResult.Permanent p:
                await DeadAsync(row, p.Error, ct);
                break;
        }
    }

    private async Task DeadAsync(OutboxRow row, string error, CancellationToken ct)
    {
        await outbox.DeadAsync(row, error, ct);
        _dead.Add(1);
        LogDead(row.Id, row.Kind, row.Platform, row.ChannelId, error);
    }

    internal static TimeSpan Backoff(int attempts, OutboxOptions o)
    {
        var exp = Math.Min(o.MaxBackoffMs, o.BaseBackoffMs * Math.Pow(2, Math.Min(attempts, 20)));
        var jitter = 0.8 + Random.Shared.NextDouble() * 0.4;
        return TimeSpan.FromMilliseconds(exp * jitter);
    }

    private async Task WaitForChannelAsync(OutboxRow row, CancellationToken ct)
    {
        var o = options.Value;
        var now = clock.GetUtcNow();
        // A claim that paced the channel in the database (several instances) says when; one process paces it here.
        var wait = row.StartAt is { } start ? start - now
            : _pacing.Reserve((row.Platform, row.ChannelId), now, TimeSpan.FromMilliseconds(o.ChannelIntervalMs));
        // Teams also limits each tenant; its slot is taken from when the channel allows, so neither limit is exceeded.
        if (row.Platform == Platform.Teams.Wire() && o.TeamsTenantIntervalMs > 0)
            wait = _pacing.Reserve(("teams-tenant", row.WorkspaceId.ToString(CultureInfo.InvariantCulture)), now,
                TimeSpan.FromMilliseconds(o.TeamsTenantIntervalMs), notBefore: now + wait);
        if (wait > TimeSpan.Zero) await Task.Delay(wait, clock, ct);
        // The database's start time is a promise to every instance: a timer may fire up to a tick early, so make sure.
        for (var late = row.StartAt - clock.GetUtcNow(); late > TimeSpan.Zero; late = row.StartAt - clock.GetUtcNow())
            await Task.Delay(late.Value + TimeSpan.FromMilliseconds(1), clock, ct);
    }

    private void Pause(OutboxRow row, DateTimeOffset until) => _pacing.Pause((row.Platform, row.ChannelId), until, clock.GetUtcNow());

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox claim failed; will poll again")]
    private partial void LogClaimFailed(Exception e);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox row {Id} ({Kind}) not sent: too little of its lease was left; it goes again when the lease ends")]
    private partial void LogLeaseTooShort(long id, string kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox row {Id} ({Kind}) rate limited; retrying in {Seconds:0.#} s")]
    private partial void LogRateLimited(long id, string kind, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox row {Id} ({Kind}) attempt {Attempt} failed; retrying in {Seconds:0.#} s: {Error}")]
    private partial void LogRetry(long id, string kind, int attempt, double seconds, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox row {Id} ({Kind}) to {Platform}/{Channel} is dead: {Error}. Fix the cause, then resend it with 'outbox retry {Id}'.")]
    private partial void LogDead(long id, string kind, string platform, string channel, string error);
}

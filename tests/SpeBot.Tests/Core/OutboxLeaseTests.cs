using System.Collections.Concurrent;
using Dapper;
using SpeBot.Core;
using SpeBot.Core.Outbox;
using SpeBot.Core.Storage;
using SpeBot.Tests.Support;
using Xunit;

namespace SpeBot.Tests.Core;

/// <summary>
/// The outbox claim with two instances on one PostgreSQL database: two TestDatabases on the same database stand for two
/// processes (each its own connection pool, stores and clock).
/// </summary>
public sealed class OutboxLeaseTests : IDisposable
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);
    private readonly TestDatabase _a;
    private readonly TestDatabase _b;

    public OutboxLeaseTests()
    {
        if (PostgresServer.Unavailable is not null)
        {
            _a = _b = null!;
            return;
        }
        _a = new TestDatabase(provider: StorageProvider.Postgres);
        _b = new TestDatabase(path: _a.Path, provider: StorageProvider.Postgres) { KeepFile = true };
    }

    public void Dispose()
    {
        _b?.Dispose();
        _a?.Dispose();
    }

    private async Task<long> EnqueueAsync(string channel, string key, bool coalesce = false)
    {
        var workspace = await _a.Workspaces.EnsureAsync(Platform.Slack, "T1");
        await _a.Outbox.EnqueueAloneAsync(_a.Db, new OutboundMessage(Platform.Slack, workspace.Id, channel, OutboxKinds.Notice,
            new OutboundBody { Key = key + ":" + Guid.NewGuid().ToString("N") }, key, Coalesce: coalesce));
        return await _a.Db.ReadAsync(c => c.ExecuteScalarAsync<long>("SELECT id FROM outbox WHERE dedupe_key = @key", new { key }));
    }

    private static Task<bool> MarkSentAsync(TestDatabase t, OutboxRow row, TimeSpan pace = default) =>
        t.Db.WriteAsync((c, tx) => t.Outbox.MarkSentAsync(c, tx, row, "1700000000.000100", CancellationToken.None, pace));

    [PostgresFact]
    public async Task Two_instances_claiming_at_once_send_each_row_once_in_channel_order_with_one_row_per_channel_in_flight()
    {
        var expected = new Dictionary<string, List<long>>();
        for (var i = 0; i < 240; i++)
        {
            var channel = $"C{i % 12}";
            var id = await EnqueueAsync(channel, $"k{i}");
            (expected.TryGetValue(channel, out var list) ? list : expected[channel] = []).Add(id);
        }
        var inFlight = new ConcurrentDictionary<string, long>();
        var violations = new ConcurrentQueue<string>();
        var sent = new ConcurrentQueue<(string Channel, long Id)>();

        async Task DrainAsync(TestDatabase t)
        {
            for (var idle = 0; idle < 200 && sent.Count < 240; )
            {
                var rows = await t.Outbox.ClaimDueAsync(8, Lease);
                if (rows.Count == 0)
                {
                    idle++;
                    await Task.Delay(5);
                    continue;
                }
                await Task.WhenAll(rows.Select(async row =>
                {
                    if (!inFlight.TryAdd(row.ChannelId, row.Id)) violations.Enqueue($"{row.ChannelId}: {row.Id} leased while {inFlight[row.ChannelId]} was");
                    await Task.Yield();
                    sent.Enqueue((row.ChannelId, row.Id));
                    inFlight.TryRemove(row.ChannelId, out _);
                    if (!await MarkSentAsync(t, row)) violations.Enqueue($"{row.Id} lost its lease");
                }));
            }
        }

        await Task.WhenAll(Task.Run(() => DrainAsync(_a)), Task.Run(() => DrainAsync(_b)));

        Assert.Empty(violations);
        Assert.Equal(240, sent.Count);
        Assert.Equal(240, sent.Select(s => s.Id).Distinct().Count());
        foreach (var (channel, ids) in expected)
            Assert.Equal(ids, sent.Where(s => s.Channel == channel).Select(s => s.Id));
        Assert.Equal(0, await _a.Db.ReadAsync(c => c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE status = 'pending'")));
    }

    [PostgresFact]
    public async Task A_lease_left_by_a_killed_instance_is_taken_over_when_it_ends_and_the_first_holders_late_outcome_changes_nothing()
    {
        var first = await EnqueueAsync("CKILL", "first");
        var second = await EnqueueAsync("CKILL", "second");

        var held = Assert.Single(await _a.Outbox.ClaimDueAsync(8, Lease));
        Assert.Equal(first, held.Id);
        Assert.Empty(await _b.Outbox.ClaimDueAsync(8, Lease));

        _b.Clock.Advance(Lease + TimeSpan.FromSeconds(1));
        var takenOver = Assert.Single(await _b.Outbox.ClaimDueAsync(8, Lease));
        Assert.Equal(first, takenOver.Id);

        // The first holder comes back late: neither its mark-sent nor its retry touches the row or frees the channel.
        Assert.False(await MarkSentAsync(_a, held));
        await _a.Outbox.RescheduleAsync(held, _a.Clock.GetUtcNow(), "late", countAttempt: true);
        var state = await _a.Db.ReadAsync(c => c.QuerySingleAsync<(string Status, string? LockedUntil, int Attempts)>(
            "SELECT status, locked_until, attempts FROM outbox WHERE id = @first", new { first }));
        Assert.Equal(("pending", takenOver.LockedUntil, 0), state);
        _a.Clock.Advance(Lease + TimeSpan.FromSeconds(1));
        Assert.Empty(await _a.Outbox.ClaimDueAsync(8, Lease));

        Assert.True(await MarkSentAsync(_b, takenOver));
        Assert.Equal(second, Assert.Single(await _a.Outbox.ClaimDueAsync(8, Lease)).Id);
    }

    [PostgresFact]
    public async Task The_next_post_to_a_channel_starts_a_pacing_interval_after_the_previous_one_was_sent_whichever_instance_claims_it()
    {
        await EnqueueAsync("CPACE", "one");
        await EnqueueAsync("CPACE", "two");
        var one = Assert.Single(await _a.Outbox.ClaimDueAsync(8, Lease));
        Assert.Equal(_a.Clock.GetUtcNow(), one.StartAt);
        _a.Clock.Advance(TimeSpan.FromMilliseconds(300));
        Assert.True(await MarkSentAsync(_a, one, TimeSpan.FromSeconds(1)));
        var sentAt = _a.Clock.GetUtcNow();

        _b.Clock.Advance(TimeSpan.FromMilliseconds(400));
        var two = Assert.Single(await _b.Outbox.ClaimDueAsync(8, Lease));

        Assert.Equal(sentAt + TimeSpan.FromSeconds(1), two.StartAt);
    }

    [PostgresFact]
    public async Task A_rate_limited_row_holds_its_channel_for_every_instance_until_retry_after()
    {
        await EnqueueAsync("CRATE", "limited");
        await EnqueueAsync("CRATE", "behind");
        var limited = Assert.Single(await _a.Outbox.ClaimDueAsync(8, Lease));
        var retryAt = _a.Clock.GetUtcNow() + TimeSpan.FromSeconds(30);
        await _a.Outbox.RescheduleAsync(limited, retryAt, "rate limited", countAttempt: false, channelFreeAt: retryAt);

        Assert.Empty(await _b.Outbox.ClaimDueAsync(8, Lease));
        _b.Clock.Advance(TimeSpan.FromSeconds(30));
        var again = Assert.Single(await _b.Outbox.ClaimDueAsync(8, Lease));
        Assert.Equal(limited.Id, again.Id);
        Assert.Equal(retryAt, again.StartAt);
    }

    [PostgresFact]
    public async Task An_older_row_made_pending_again_by_a_coalescing_update_waits_while_a_newer_row_of_its_channel_is_in_flight()
    {
        var update = await EnqueueAsync("CORD", "card_update:1:CORD", coalesce: true);
        var updateRow = Assert.Single(await _a.Outbox.ClaimDueAsync(8, Lease));
        Assert.True(await MarkSentAsync(_a, updateRow));
        var post = await EnqueueAsync("CORD", "post");
        var postRow = Assert.Single(await _a.Outbox.ClaimDueAsync(8, Lease));
        Assert.Equal(post, postRow.Id);

        // A vote re-queues the card update (the lower id) while the post is still being sent by instance A.
        await EnqueueAsync("CORD", "card_update:1:CORD", coalesce: true);
        Assert.Empty(await _b.Outbox.ClaimDueAsync(8, Lease));

        Assert.True(await MarkSentAsync(_a, postRow));
        Assert.Equal(update, Assert.Single(await _b.Outbox.ClaimDueAsync(8, Lease)).Id);
    }
}

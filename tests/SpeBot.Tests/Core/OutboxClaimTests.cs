using Dapper;
using SpeBot.Core;
using SpeBot.Core.Outbox;
using SpeBot.Core.Storage;
using SpeBot.Tests.Support;
using Xunit;

namespace SpeBot.Tests.Core;

public sealed class OutboxClaimTests : IDisposable
{
    private TestDatabase _t = null!;

    private void Use(StorageProvider provider) => _t = new TestDatabase(provider);

    public void Dispose() => _t?.Dispose();

    private async Task<long> EnqueueAsync(string channel, string key, TimeSpan delay = default, Platform platform = Platform.Slack)
    {
        var workspace = await _t.Workspaces.EnsureAsync(platform, "T1");
        await _t.Outbox.EnqueueAloneAsync(_t.Db, new OutboundMessage(platform, workspace.Id, channel, OutboxKinds.Notice, new OutboundBody(), key, Delay: delay));
        return await _t.Db.ReadAsync(c => c.ExecuteScalarAsync<long>("SELECT id FROM outbox WHERE dedupe_key = @key", new { key }));
    }

    [Theory]
    [Providers]
    public async Task Claim_takes_only_the_oldest_pending_row_of_each_channel_oldest_first(StorageProvider provider)
    {
        Use(provider);
        var a1 = await EnqueueAsync("CA", "a1");
        var b1 = await EnqueueAsync("CB", "b1");
        await EnqueueAsync("CA", "a2");
        await EnqueueAsync("CB", "b2");
        var teams = await EnqueueAsync("CA", "t1", platform: Platform.Teams);

        var rows = await _t.Outbox.ClaimDueAsync(10, TimeSpan.FromMinutes(1));

        Assert.Equal([a1, b1, teams], rows.Select(r => r.Id));
    }

    [Theory]
    [Providers]
    public async Task A_channel_whose_head_is_not_due_or_is_leased_sends_nothing_until_then(StorageProvider provider)
    {
        Use(provider);
        await EnqueueAsync("CLATER", "later-1", delay: TimeSpan.FromMinutes(5));
        await EnqueueAsync("CLATER", "later-2");
        var now1 = await EnqueueAsync("CNOW", "now-1");
        await EnqueueAsync("CNOW", "now-2");

        var first = await _t.Outbox.ClaimDueAsync(10, TimeSpan.FromMinutes(1));
        var whileLeased = await _t.Outbox.ClaimDueAsync(10, TimeSpan.FromMinutes(1));

        Assert.Equal([now1], first.Select(r => r.Id));
        Assert.Empty(whileLeased);
    }

    [Theory]
    [Providers]
    public async Task Claim_stops_at_the_requested_number_of_rows(StorageProvider provider)
    {
        Use(provider);
        var ids = new List<long>();
        for (var i = 0; i < 5; i++) ids.Add(await EnqueueAsync($"C{i}", $"k{i}"));

        var rows = await _t.Outbox.ClaimDueAsync(3, TimeSpan.FromMinutes(1));

        Assert.Equal(ids.Take(3), rows.Select(r => r.Id));
    }

    [Fact]
    public async Task Finding_channel_heads_seeks_the_pending_index_instead_of_scanning_the_backlog()
    {
        // SQLite's plan (EXPLAIN QUERY PLAN); PostgreSQL plans by statistics, so a plan there says little about an empty table.
        Use(StorageProvider.Sqlite);
        // The plan is the performance property: one index seek per channel, whatever the number of queued rows.
        var plan = (await _t.Db.ReadAsync(c => c.QueryAsync<(long Id, long Parent, long NotUsed, string Detail)>("""
            EXPLAIN QUERY PLAN
            SELECT o.id FROM outbox o
            WHERE o.status = 'pending' AND o.platform = 'slack' AND o.channel_id > 'C1'
            ORDER BY o.channel_id, o.id LIMIT 1
            """))).Select(r => r.Detail).ToList();

        Assert.Contains(plan, d => d.Contains("SEARCH", StringComparison.Ordinal) && d.Contains("ix_outbox_channel_pending", StringComparison.Ordinal)
                                   && d.Contains("channel_id>?", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, d => d.Contains("TEMP B-TREE", StringComparison.Ordinal));
    }
}

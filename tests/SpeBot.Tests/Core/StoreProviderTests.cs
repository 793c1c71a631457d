using Dapper;
using Microsoft.Extensions.Options;
using SpeBot.Core;
using SpeBot.Core.Dashboard;
using SpeBot.Core.Discovery;
using SpeBot.Core.Items;
using SpeBot.Core.Outbox;
using SpeBot.Core.Storage;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Core;

/// <summary>
/// The stores the chat tests reach only through a host (lifecycle, workspaces and maintainers, button votes and merges,
/// dashboard links, mutes and watches), run directly on each provider.
/// </summary>
public sealed class StoreProviderTests
{
    private static Lifecycle LifecycleOf(TestDatabase t) =>
        new(t.Db, t.Items, t.Cards, t.Workspaces, new Notices(t.Outbox), t.Signal, t.Clock, t.Options);

    [PostgresFact]
    public async Task ARefusalInsideAWriteNamesTheMaintainersWithoutTakingASecondConnection()
    {
        // A write's work may use only its own connection: with a pool of one, a second would wait until the pool timed out.
        using var created = new TestDatabase(new SpeBotOptions { Maintainers = ["UM"] }, provider: StorageProvider.Postgres);
        var onePool = new Npgsql.NpgsqlConnectionStringBuilder(created.Path) { MaxPoolSize = 1, Timeout = 3 }.ConnectionString;
        using var t = new TestDatabase(new SpeBotOptions { Maintainers = ["UM"] }, onePool, StorageProvider.Postgres) { KeepFile = true };
        var lifecycle = LifecycleOf(t);
        var ws = await t.Workspaces.EnsureAsync(Platform.Slack, "T1");
        await t.Proposals.SubmitAsync(Platform.Slack, new NewItem(ws.Id, "Rotate keys", "slack", "U1"), "C1", default);
        var stranger = new Actor(Platform.Slack, ws.Id, "U2", "C1");

        var refusals = new[]
        {
            await lifecycle.AcceptAsync(stranger, 1, default),
            await lifecycle.AssignAsync(stranger, 1, "U3", default),
            await lifecycle.MergeAsync(stranger, 1, 2, default),
        };

        Assert.All(refusals, r => Assert.Equal("refuse.maintainers", r.Key));
        Assert.All(refusals, r => Assert.Equal("UM", Assert.Single(Assert.IsAssignableFrom<IEnumerable<UserRef>>(r.Args!["who"])).Id));
    }

    [Theory]
    [Providers]
    public async Task AnItemGoesThroughTheWholeLifecycleWithItsTrailCountsAndTimes(StorageProvider provider)
    {
        using var t = new TestDatabase(new SpeBotOptions { Maintainers = ["UM"] }, provider: provider);
        var lifecycle = LifecycleOf(t);
        var ws = await t.Workspaces.EnsureAsync(Platform.Slack, "T1");
        var maintainer = new Actor(Platform.Slack, ws.Id, "UM", "C1");
        var worker = new Actor(Platform.Slack, ws.Id, "U2", "C1");
        await t.Proposals.SubmitAsync(Platform.Slack, new NewItem(ws.Id, "Rotate keys", "slack", "U1", Category: "security", Effort: 2), "C1", default);

        Assert.Equal("refuse.maintainers", (await lifecycle.AcceptAsync(worker, 1, default)).Key);
        Assert.Equal("accepted.done", (await lifecycle.AcceptAsync(maintainer, 1, default)).Key);
        t.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal("claim.done", (await lifecycle.ClaimAsync(worker, 1, default)).Key);
        Assert.Equal("claim.taken", (await lifecycle.ClaimAsync(new Actor(Platform.Slack, ws.Id, "U3", "C1"), 1, default)).Key);
        Assert.Equal("update.done", (await lifecycle.UpdateAsync(worker, 1, "halfway", default)).Key);
        t.Clock.Advance(TimeSpan.FromMilliseconds(1_234));
        Assert.Equal("done.done", (await lifecycle.DoneAsync(worker, 1, "https://example.com/pr/1", default)).Key);

        var item = (await t.Items.GetByNumberAsync(ws.Id, 1))!;
        Assert.Equal(("done", "U2", "U2", "https://example.com/pr/1"), (item.Status, item.ClaimedBy, item.DoneBy, item.Evidence));
        Assert.Equal(["proposed", "accepted", "claimed", "progress", "done"], (await t.Items.EventsAsync(item.Id)).Select(e => e.Action));
        var row = await t.Db.ReadAsync(c => c.QuerySingleAsync<(long LeadMs, string AcceptedAt)>(
            "SELECT lead_ms, accepted_at FROM items WHERE id = @id", new { id = item.Id }));
        Assert.Equal(3_601_234L, row.LeadMs);
        Assert.Equal("2026-11-02T09:00:00.000Z", row.AcceptedAt);
        Assert.Equal([("done", "security", 1L)], await CountsAsync(t));

        Assert.Equal("reopened.done", (await lifecycle.ReopenAsync(maintainer, 1, default)).Key);
        Assert.Null(await t.Db.ReadAsync(c => c.ExecuteScalarAsync<long?>("SELECT lead_ms FROM items WHERE id = @id", new { id = item.Id })));
        Assert.Equal("declined.done", (await lifecycle.DeclineAsync(maintainer, 1, "not now", default)).Key);
        Assert.Equal([("declined", "security", 1L)], await CountsAsync(t));
    }

    [Theory]
    [Providers]
    public async Task ButtonVotesToggleAndAMergeMovesThemOncePerPerson(StorageProvider provider)
    {
        using var t = new TestDatabase(new SpeBotOptions { Maintainers = ["UM"] }, provider: provider);
        var ws = await t.Workspaces.EnsureAsync(Platform.Slack, "T1");
        var source = (await t.Proposals.SubmitAsync(Platform.Slack, new NewItem(ws.Id, "Dup", "slack", "U1"), "C1", default)).Item;
        var target = (await t.Proposals.SubmitAsync(Platform.Slack, new NewItem(ws.Id, "Original", "slack", "U1"), "C1", default)).Item;
        foreach (var voter in new[] { "U1", "U2", "U3" }) await t.Votes.ToggleAsync(Platform.Slack, source.Id, voter, "C1", default);
        await t.Votes.ToggleAsync(Platform.Slack, target.Id, "U2", "C1", default);
        var (_, voted) = await t.Votes.ToggleAsync(Platform.Slack, source.Id, "U3", "C1", default);

        Assert.False(voted);
        Assert.Equal("merge.done", (await LifecycleOf(t).MergeAsync(new Actor(Platform.Slack, ws.Id, "UM", "C1"), source.Number, target.Number, default)).Key);

        // base_score follows the counts in the settle pass on SQLite (migration 0015).
        await new ItemSettling(t.Db, t.Options).SettleAllAsync();
        var merged = (await t.Items.GetAsync(target.Id))!;
        Assert.Equal(2, merged.Votes);
        Assert.Equal(Scoring.Base(2, null, null, new ScoreWeights()), merged.BaseScore);
        Assert.Equal(("duplicate", target.Id), await t.Db.ReadAsync(c => c.QuerySingleAsync<(string, long)>(
            "SELECT status, merged_into FROM items WHERE id = @id", new { id = source.Id })));
        Assert.Equal(["U1", "U2"], await t.Db.ReadAsync(c => c.QueryAsync<string>(
            "SELECT voter_id FROM votes WHERE item_id = @id ORDER BY voter_id", new { id = target.Id })));
    }

    [Theory]
    [Providers]
    public async Task TheFirstMaintainerIsAnyoneThenOnlyMaintainersChangeTheList(StorageProvider provider)
    {
        using var t = new TestDatabase(provider);
        var ws = await t.Workspaces.EnsureAsync(Platform.Slack, "T1");

        Assert.True(await t.Workspaces.AddMaintainerAsync(ws.Id, "U1", "U1"));
        Assert.False(await t.Workspaces.AddMaintainerAsync(ws.Id, "U2", "U2"));
        Assert.True(await t.Workspaces.AddMaintainerAsync(ws.Id, "U2", "U1"));
        Assert.Null(await t.Workspaces.RemoveMaintainerAsync(ws.Id, "U1", "U3"));
        Assert.True(await t.Workspaces.RemoveMaintainerAsync(ws.Id, "U1", "U2"));

        Assert.Equal(["U2"], await t.Workspaces.MaintainersAsync(ws.Id));
        Assert.Equal(ws.Id, (await t.Workspaces.EnsureAsync(Platform.Slack, "T1")).Id);
        await t.Workspaces.SetWorkspaceLocaleAsync(ws.Id, "ja");
        await t.Workspaces.SetUserLocaleAsync(ws.Id, "U9", "en");
        Assert.Equal("ja", await t.Workspaces.LocaleForAsync((await t.Workspaces.GetAsync(ws.Id))!, "U2", null));
        Assert.Equal("en", await t.Workspaces.LocaleForAsync((await t.Workspaces.GetAsync(ws.Id))!, "U9", null));
    }

    [Theory]
    [Providers]
    public async Task ADashboardLinkSignsInOnceAndMutesAndWatchesAreKeptPerWorkspace(StorageProvider provider)
    {
        using var t = new TestDatabase(provider);
        var ws = await t.Workspaces.EnsureAsync(Platform.Slack, "T1");
        var sessions = new DashboardSessions(t.Db, t.Clock, Options.Create(new DashboardOptions()));
        var link = await sessions.CreateLinkAsync(ws.Id, "U1", "ja");

        var (token, session, problem) = await sessions.RedeemAsync(link);
        Assert.Equal(LinkProblem.None, problem);
        Assert.Equal(new DashboardSession(ws.Id, "U1", "ja"), session);
        Assert.Equal(session, await sessions.FindAsync(token));
        Assert.Equal(LinkProblem.Used, (await sessions.RedeemAsync(link)).Problem);
        await sessions.EndAsync(token!);
        Assert.Null(await sessions.FindAsync(token));

        var muted = new MutedSources(t.Db, t.Clock);
        Assert.True(await muted.MuteAsync(ws.Id, "dependabot", "U1"));
        Assert.False(await muted.MuteAsync(ws.Id, "dependabot", "U1"));
        Assert.Equal(["dependabot"], await muted.ListAsync(ws.Id));
        var watches = new WatchStore(t.Db, t.Clock);
        Assert.True(await watches.AddAsync(ws.Id, "C1", "example.com", 443, "U1"));
        Assert.False(await watches.AddAsync(ws.Id, "C1", "example.com", 443, "U1"));
        Assert.Equal(1, await watches.CountAsync(ws.Id));
        Assert.True(await watches.RemoveAsync(ws.Id, "example.com", 443));
    }

    [PostgresFact]
    public async Task TwoInstancesClaimingOneItemAtOnceLeaveOneClaimerAndOneClaimEvent()
    {
        using var t = new TestDatabase(StorageProvider.Postgres);
        await using var other = new PostgresDatabase(t.Path);
        var ws = await t.Workspaces.EnsureAsync(Platform.Slack, "T1");
        for (var i = 0; i < 20; i++) await t.Proposals.SubmitAsync(Platform.Slack, new NewItem(ws.Id, $"i{i}", "slack", "U1"), "C1", default);
        var a = LifecycleOf(t);
        var otherItems = new ItemStore(other, t.Clock, t.Options);
        var b = new Lifecycle(other, otherItems, new CardUpdates(new OutboxStore(other, t.Clock)), new SpeBot.Core.Workspaces.WorkspaceStore(other, t.Clock, t.Options),
            new Notices(new OutboxStore(other, t.Clock)), t.Signal, t.Clock, t.Options);

        var replies = await Task.WhenAll(Enumerable.Range(1, 20).SelectMany(n => new[]
        {
            Task.Run(() => a.ClaimAsync(new Actor(Platform.Slack, ws.Id, "UA", "C1"), n, default)),
            Task.Run(() => b.ClaimAsync(new Actor(Platform.Slack, ws.Id, "UB", "C1"), n, default)),
        }));

        Assert.Equal(20, replies.Count(r => r.Key == "claim.done"));
        Assert.Equal(20, replies.Count(r => r.Key == "claim.taken"));
        Assert.Equal(20L, await t.Db.ReadAsync(c => c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM item_events WHERE action = 'claimed'")));
        Assert.Equal(20L, await t.Db.ReadAsync(c => c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM items WHERE status = 'in_progress' AND claimed_by IS NOT NULL")));
    }

    [PostgresFact]
    public async Task PeopleRacingToBeTheFirstMaintainerOnTwoInstancesLeaveExactlyOne()
    {
        using var t = new TestDatabase(StorageProvider.Postgres);
        await using var other = new PostgresDatabase(t.Path);
        var stores = new[] { t.Workspaces, new SpeBot.Core.Workspaces.WorkspaceStore(other, t.Clock, t.Options) };
        var workspaces = new List<long>();
        for (var w = 0; w < 20; w++) workspaces.Add((await t.Workspaces.EnsureAsync(Platform.Slack, $"T{w}")).Id);
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var added = await Task.WhenAll(workspaces.SelectMany(ws => Enumerable.Range(0, 6).Select(i => Task.Run(async () =>
        {
            await go.Task;
            return await stores[i % 2].AddMaintainerAsync(ws, $"U{i}", $"U{i}");
        }))).ToList().Also(_ => go.SetResult()));

        Assert.Equal(workspaces.Count, added.Count(x => x));
        foreach (var ws in workspaces) Assert.Single(await t.Workspaces.MaintainersAsync(ws));
    }

    [PostgresFact]
    public async Task OneDashboardLinkRedeemedOnTwoInstancesAtOnceStartsOneSession()
    {
        using var t = new TestDatabase(StorageProvider.Postgres);
        await using var other = new PostgresDatabase(t.Path);
        var ws = await t.Workspaces.EnsureAsync(Platform.Slack, "T1");
        var options = Options.Create(new DashboardOptions());
        var sessions = new[] { new DashboardSessions(t.Db, t.Clock, options), new DashboardSessions(other, t.Clock, options) };
        var links = new List<string>();
        for (var i = 0; i < 10; i++) links.Add(await sessions[0].CreateLinkAsync(ws.Id, "U1", "en"));

        var results = await Task.WhenAll(links.SelectMany(l => sessions.Select(s => Task.Run(() => s.RedeemAsync(l)))));

        Assert.Equal(10, results.Count(r => r.Problem == LinkProblem.None));
        Assert.Equal(10, results.Count(r => r.Problem == LinkProblem.Used));
        Assert.Equal(10L, await t.Db.ReadAsync(c => c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM dashboard_sessions")));
    }

    [PostgresFact]
    public async Task TheSameMessageOrFindingProposedOnTwoInstancesAtOnceMakesOneItemEach()
    {
        using var t = new TestDatabase(StorageProvider.Postgres);
        await using var other = new PostgresDatabase(t.Path);
        var ws = await t.Workspaces.EnsureAsync(Platform.Slack, "T1");
        var itemStores = new[] { t.Items, new ItemStore(other, t.Clock, t.Options) };
        var dbs = new Database[] { t.Db, other };
        Discoveries DiscoveriesOn(int i)
        {
            var outbox = new OutboxStore(dbs[i], t.Clock);
            var proposals = new Proposals(dbs[i], itemStores[i], outbox, t.Signal, new SpeBot.Core.Events.Inbox(t.Clock));
            return new Discoveries(dbs[i], proposals, itemStores[i], new CardUpdates(outbox), t.Signal, t.Clock);
        }
        var discoveries = new[] { DiscoveriesOn(0), DiscoveriesOn(1) };

        var created = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => dbs[i % 2].WriteAsync(async (c, tx) =>
            (await itemStores[i % 2].CreateAsync(c, tx, new NewItem(ws.Id, $"m{i / 2}", "slack", "U1",
                Source: new SpeBot.Core.Commands.SourceMessage("C1", $"171.{i / 2}", "U2", null, null)), default)).Created))));
        var found = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => discoveries[i % 2].ProposeAsync(Platform.Slack,
            new NewItem(ws.Id, $"f{i / 2}", "slack", "github"), new Finding("dependabot", $"github:pr:o/r#{i / 2}", null), "C1", default))));

        Assert.Equal(10, created.Count(x => x));
        Assert.Equal(10, found.Count(f => f.Outcome == DiscoveryOutcome.Proposed));
        Assert.Equal(10, found.Count(f => f.Outcome == DiscoveryOutcome.AlreadyKnown));
        Assert.Equal(Enumerable.Range(1, 20).Select(n => (long)n), await t.Db.ReadAsync(c => c.QueryAsync<long>("SELECT number FROM items ORDER BY number")));
    }

    private static async Task<List<(string, string, long)>> CountsAsync(TestDatabase t) =>
        (await t.Db.ReadAsync(c => c.QueryAsync<(string, string, long)>("SELECT status, category, SUM(n) FROM item_totals GROUP BY status, category HAVING SUM(n) > 0 ORDER BY status"))).ToList();
}

internal static class Chaining
{
    /// <summary>Runs <paramref name="then"/> on the value and returns it (starts a race once every task exists).</summary>
    public static T Also<T>(this T value, Action<T> then)
    {
        then(value);
        return value;
    }
}

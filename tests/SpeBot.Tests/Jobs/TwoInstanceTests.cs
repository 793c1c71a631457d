using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Moq;
using Npgsql;
using SpeBot.Core;
using SpeBot.Core.Schedules;
using SpeBot.Core.Storage;
using SpeBot.Core.Workspaces;
using SpeBot.Host.Jobs;
using SpeBot.Tests.Support;
using Xunit;

namespace SpeBot.Tests.Jobs;

/// <summary>
/// Two SpeBot hosts on one PostgreSQL database (issue 15, "several instances"): what one instance does, the other must
/// not do again, and what both do must add up to what one would have done.
/// </summary>
public sealed partial class TwoInstanceTests : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _owned = [];
    private string _db = null!;

    public Task InitializeAsync()
    {
        if (PostgresServer.Unavailable is null) _db = PostgresServer.CreateDatabase();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--) await _owned[i].DisposeAsync();
        if (_db is not null) PostgresServer.Drop(_db);
    }

    private async Task<FakeSlackApi> SlackAsync()
    {
        var slack = await FakeSlackApi.StartAsync();
        _owned.Add(slack);
        return slack;
    }

    private SpeBotFactory Host(FakeSlackApi slack, Dictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null,
                               string? connectionString = null)
    {
        var factory = SpeBotFactory.OnPostgres(slack, settings, services, connectionString ?? _db);
        _owned.Add(factory);
        return factory;
    }

    private T Scalar<T>(string sql, object? args = null) => PostgresHosts.Scalar<T>(_db, sql, args);

    private IReadOnlyList<T> Query<T>(string sql, object? args = null) => PostgresHosts.Query<T>(_db, sql, args);

    [GeneratedRegex(@"Load-(\d{4})")]
    private static partial Regex LoadTitle();

    [PostgresFact]
    public async Task AThousandProposalsAndVotesSplitAcrossTwoInstancesAreStoredOnceAndPostedOnceInOrderAndPacedPerChannel()
    {
        const int Proposals = 1000;
        const int Channels = 10;
        var pace = TimeSpan.FromMilliseconds(50);
        var slack = await SlackAsync();
        var settings = new Dictionary<string, string?> { ["Outbox:ChannelIntervalMs"] = "50", ["Outbox:Concurrency"] = "8" };
        var clients = new[] { Host(slack, settings).CreateClient(), Host(slack, settings).CreateClient() };

        using var gate = new SemaphoreSlim(16);
        await Task.WhenAll(Enumerable.Range(0, Proposals).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                var response = await clients[i % 2].SendAsync(SignedSlackRequest.Command($"propose Load-{i:D4}", $"U{i % 7}", $"C{i % Channels}"));
                response.EnsureSuccessStatusCode();
            }
            finally
            {
                gate.Release();
            }
        }));
        await SpeBotFactory.WaitUntilAsync(() => Scalar<long>("SELECT COUNT(*) FROM posted_messages WHERE kind = 'item_card'") == Proposals,
            120_000, "every card posted");

        // Votes on a hundred cards, one person through each instance, and each event retried through the other one.
        var cards = Query<(long ItemId, string Channel, string Ts)>(
            "SELECT item_id, channel_id, message_id FROM posted_messages WHERE kind = 'item_card' ORDER BY item_id LIMIT 100");
        await Task.WhenAll(cards.SelectMany((card, k) => new[] { ("UVOTE1", 0), ("UVOTE2", 1) }.SelectMany(voter => new[] { false, true }.Select(async retry =>
        {
            await gate.WaitAsync();
            try
            {
                var request = SignedSlackRequest.Reaction($"Ev{card.ItemId}{voter.Item1}", voter.Item1, "+1", card.Channel, card.Ts);
                if (retry) request.Headers.Add("X-Slack-Retry-Num", "1");
                (await clients[(voter.Item2 + (retry ? 1 : 0)) % 2].SendAsync(request)).EnsureSuccessStatusCode();
            }
            finally
            {
                gate.Release();
            }
        }))));
        await SpeBotFactory.WaitUntilAsync(() => Scalar<long>("SELECT COUNT(*) FROM outbox WHERE status <> 'sent'") == 0, 120_000, "card updates sent");

        // Stored once, numbered 1..1000 without a gap.
        Assert.Equal(Enumerable.Range(1, Proposals).Select(n => (long)n), Query<long>("SELECT number FROM items ORDER BY number"));
        Assert.Equal(Proposals, Query<string>("SELECT DISTINCT title FROM items").Count);
        Assert.All(cards, c => Assert.Equal(2, Scalar<long>("SELECT COUNT(*) FROM votes WHERE item_id = @ItemId", new { c.ItemId })));
        Assert.Equal(200, Scalar<long>("SELECT COUNT(*) FROM item_events WHERE action = 'voted'"));

        // Every card posted exactly once, and per channel in the order the cards were queued.
        var posts = slack.CallsTo("chat.postMessage");
        var numbers = posts.Select(p => int.Parse(LoadTitle().Match(p.Text).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(Proposals, posts.Count);
        Assert.Equal(Proposals, numbers.Distinct().Count());
        var queued = Query<(string Title, long OutboxId)>("""
            SELECT i.title, o.id FROM outbox o JOIN items i ON o.dedupe_key = 'item_card:' || i.id || ':' || o.channel_id
            """).ToDictionary(r => r.Title, r => r.OutboxId);
        foreach (var channel in Enumerable.Range(0, Channels).Select(c => $"C{c}"))
        {
            var order = posts.Where(p => p.Body["channel"]!.GetValue<string>() == channel)
                .Select(p => queued[LoadTitle().Match(p.Text).Value]).ToList();
            Assert.Equal(order.Order(), order);
        }

        // Never two calls to one channel less than the pacing interval apart, whichever instance made them.
        foreach (var channel in slack.Calls.Where(c => c.Method is "chat.postMessage" or "chat.update").GroupBy(c => c.Body["channel"]!.GetValue<string>()))
        {
            var at = channel.Select(c => c.At).Order().ToList();
            var gaps = at.Zip(at.Skip(1), (a, b) => b - a).ToList();
            Assert.True(gaps.All(g => g >= pace), $"{channel.Key}: shortest gap {gaps.Min().TotalMilliseconds} ms");
        }
    }

    [PostgresFact]
    public async Task AScheduleIsMadeUpOnceAfterDowntimeAndPostsOnceWhenBothInstancesFireItAtTheSameInstant()
    {
        // Created two days ago, while no instance ran: its latest period was missed.
        var now = DateTimeOffset.UtcNow;
        long missed;
        await using (var db = new PostgresDatabase(_db))
        {
            var past = new FakeTimeProvider(now - TimeSpan.FromDays(2));
            var ws = await new WorkspaceStore(db, past, Microsoft.Extensions.Options.Options.Create(new SpeBotOptions())).EnsureAsync(Platform.Slack, "T1");
            When.TryParse("daily 00:00", out var daily);
            missed = await new ScheduleStore(db, past).AddAsync(ws.Id, "digest", "C900", daily, "UTC", "U1");
        }
        var slack = await SlackAsync();
        var a = Host(slack);
        var b = Host(slack);
        await Task.WhenAll(Task.Run(() => a.CreateClient()), Task.Run(() => b.CreateClient()));
        await SpeBotFactory.WaitUntilAsync(() => Scalar<long>("SELECT COUNT(*) FROM schedule_runs") == 1, what: "missed period made up");

        // A second schedule whose period both instances' timers fire at once.
        long both;
        await using (var db = new PostgresDatabase(_db))
        {
            When.TryParse("daily 00:00", out var daily);
            both = await new ScheduleStore(db, new FakeTimeProvider(now - TimeSpan.FromDays(2))).AddAsync(
                Scalar<long>("SELECT id FROM workspaces"), "digest", "C901", daily, "UTC", "U1");
        }
        var outcomes = await Task.WhenAll(new[] { a, b }.Select(h => Task.Run(() => h.Get<ScheduleRunner>().RunAsync(both, default))));
        await SpeBotFactory.WaitUntilAsync(() => Scalar<long>("SELECT COUNT(*) FROM outbox WHERE kind = 'digest' AND status = 'sent'") == 2, what: "digests");

        Assert.Equal([RunOutcome.Posted, RunOutcome.AlreadyClaimed], outcomes.Order());
        Assert.Equal(1, Scalar<long>("SELECT COUNT(*) FROM schedule_runs WHERE schedule_id = @missed", new { missed }));
        Assert.Equal(1, Scalar<long>("SELECT COUNT(*) FROM schedule_runs WHERE schedule_id = @both", new { both }));
        Assert.Equal(2, Scalar<long>("SELECT COUNT(*) FROM outbox WHERE kind = 'digest'"));
        var digests = slack.CallsTo("chat.postMessage").Where(c => c.Body["thread_ts"] is null)
            .Select(c => c.Body["channel"]!.GetValue<string>()).Order().ToList();
        Assert.Equal(["C900", "C901"], digests);
    }

    [PostgresFact]
    public async Task ConfiguredSchedulesSeededByTwoInstancesStartingTogetherExistOnce()
    {
        var slack = await SlackAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Schedules:Entries:0:Workspace"] = "T1", ["Schedules:Entries:0:Kind"] = "digest",
            ["Schedules:Entries:0:Channel"] = "C900", ["Schedules:Entries:0:When"] = "weekdays 09:30",
        };
        var hosts = Enumerable.Range(0, 3).Select(_ => Host(slack, settings)).ToList();

        await Task.WhenAll(hosts.Select(h => Task.Run(() => h.CreateClient())));

        Assert.Equal(1, Scalar<long>("SELECT COUNT(*) FROM schedules WHERE source = 'config'"));
        Assert.Equal(1, Scalar<long>("SELECT COUNT(*) FROM workspaces"));
    }

    [PostgresFact]
    public async Task AnInstanceKilledWhileHoldingOutboxLeasesLeavesItsRowsToTheOtherWhichSendsEachOnceAfterTheLeasesEnd()
    {
        // Instance A logs in as its own role, so that killing it can also cut it off from the database for good.
        var role = $"spebot_a_{Guid.NewGuid():N}"[..24];
        PostgresHosts.Execute(_db, $"""
            CREATE ROLE {role} LOGIN;
            GRANT CREATE, USAGE ON SCHEMA public TO {role};
            GRANT ALL ON ALL TABLES IN SCHEMA public TO {role};
            GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {role};
            """);
        _owned.Add(new DropRole(_db, role));
        var aConnection = new NpgsqlConnectionStringBuilder(_db) { Username = role }.ConnectionString;
        using var hole = new BlackHole();
        var ackSlack = await SlackAsync();
        var a = Host(ackSlack, new() { ["Slack:ApiBaseUrl"] = hole.BaseUrl, ["Slack:HttpTimeoutSeconds"] = "3" }, connectionString: aConnection);
        var aClient = a.CreateClient();
        for (var i = 0; i < 6; i++)
            (await aClient.SendAsync(SignedSlackRequest.Command($"propose Load-{i:D4}", "U111", $"CK{i % 3}"))).EnsureSuccessStatusCode();
        await SpeBotFactory.WaitUntilAsync(() => Scalar<long>("SELECT COUNT(*) FROM outbox WHERE locked_until IS NOT NULL") == 3, what: "A leases a card per channel");

        // Killed: no connection of A's reaches the database again, and the host goes without draining its sends.
        PostgresHosts.Execute(_db, $"ALTER ROLE {role} NOLOGIN; SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{role}'");
        await a.DisposeAsync();
        _owned.Remove(a);
        var leased = Query<(long Id, string LockedUntil)>("SELECT id, locked_until FROM outbox WHERE locked_until IS NOT NULL ORDER BY id");
        Assert.Equal(3, leased.Count);

        // Instance B, on a clock of its own: nothing moves until A's leases have ended.
        // A whole second: stored times have milliseconds, and a start rounded up into a frozen clock's future never comes.
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1));
        var slack = await SlackAsync();
        var b = Host(slack, new() { ["Outbox:ClaimGapMs"] = "0" }, s => s.AddSingleton<TimeProvider>(clock));
        b.CreateClient();
        await Task.Delay(500);
        Assert.Empty(slack.CallsTo("chat.postMessage"));

        clock.Advance(TimeSpan.FromSeconds(61));
        await SpeBotFactory.WaitUntilAsync(() => Scalar<long>("SELECT COUNT(*) FROM outbox WHERE status = 'sent'") == 6, 30_000, "B sends every card");

        var posts = slack.CallsTo("chat.postMessage");
        Assert.Equal(6, posts.Count);
        Assert.Equal(6, posts.Select(p => LoadTitle().Match(p.Text).Value).Distinct().Count());
        foreach (var channel in posts.GroupBy(p => p.Body["channel"]!.GetValue<string>()))
        {
            var titles = channel.Select(p => LoadTitle().Match(p.Text).Value).ToList();
            Assert.Equal(titles.Order(StringComparer.Ordinal), titles);
        }
        Assert.Equal(6, Scalar<long>("SELECT COUNT(*) FROM posted_messages WHERE kind = 'item_card'"));
    }

    [PostgresFact]
    public async Task ASlackEventRetriedThroughTheOtherInstanceAtTheSameTimeIsAppliedOnce()
    {
        var slack = await SlackAsync();
        var a = Host(slack);
        var b = Host(slack);
        var clients = new[] { a.CreateClient(), b.CreateClient() };
        (await clients[0].SendAsync(SignedSlackRequest.Command("propose Load-0001"))).EnsureSuccessStatusCode();
        await SpeBotFactory.WaitUntilAsync(() => Scalar<long>("SELECT COUNT(*) FROM posted_messages") == 1, what: "card");
        var card = Query<(long ItemId, string Ts)>("SELECT item_id, message_id FROM posted_messages").Single();

        var sends = Enumerable.Range(0, 2).Select(k =>
        {
            var request = SignedSlackRequest.Reaction("EvRetried", "U222", "+1", "C100", card.Ts);
            if (k == 1) request.Headers.Add("X-Slack-Retry-Num", "1");
            return clients[k].SendAsync(request);
        });
        foreach (var response in await Task.WhenAll(sends)) response.EnsureSuccessStatusCode();

        Assert.Equal(1, Scalar<long>("SELECT COUNT(*) FROM votes WHERE item_id = @ItemId", new { card.ItemId }));
        Assert.Equal(1, Scalar<long>("SELECT COUNT(*) FROM item_events WHERE action = 'voted'"));
    }

    [PostgresFact]
    public async Task ATeamsActivityRedeliveredToTheOtherInstanceAtTheSameTimeIsAppliedOnce()
    {
        await using var bot = await BotFrameworkIdentity.StartAsync();
        var tokens = new Mock<SpeBot.Host.Teams.IBotTokenSource>();
        tokens.Setup(t => t.GetTokenAsync(It.IsAny<bool>(), It.IsAny<CancellationToken>())).ReturnsAsync("outbound-test-token");
        var settings = new Dictionary<string, string?>
        {
            ["Teams:AppId"] = BotFrameworkIdentity.AppId, ["Teams:AppPassword"] = "not-a-real-secret",
            ["Teams:TenantId"] = BotFrameworkIdentity.TenantId, ["Teams:OpenIdMetadataUrl"] = bot.MetadataUrl,
            ["Teams:AllowedServiceUrls:0"] = bot.ServiceUrl,
        };
        var clients = Enumerable.Range(0, 2).Select(_ =>
        {
            var factory = SpeBotFactory.OnPostgres(null, settings, s => s.Replace(ServiceDescriptor.Singleton(tokens.Object)), _db);
            _owned.Add(factory);
            return factory.CreateClient();
        }).ToList();
        var activity = ActivityBuilder.ChannelMention(bot.ServiceUrl, "propose Rotate the TLS keys", "1700000000777");

        var responses = await Task.WhenAll(clients.Select(c => c.SendAsync(ActivityBuilder.Request(activity.DeepClone(), bot.Token()))));

        Assert.All(responses, r => Assert.Equal(System.Net.HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1, Scalar<long>("SELECT COUNT(*) FROM items"));
        Assert.Equal(1, Scalar<long>("SELECT COUNT(*) FROM inbox WHERE platform = 'teams'"));
        await SpeBotFactory.WaitUntilAsync(() => Scalar<long>("SELECT COUNT(*) FROM outbox WHERE status = 'sent'") >= 2, what: "card and reply");
        Assert.Equal(1, Scalar<long>("SELECT COUNT(*) FROM outbox WHERE kind = 'item_card'"));
    }

    [PostgresFact]
    public async Task HourlyHousekeepingRunsOnceAnHourWithTwoInstances()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 10, 20, 0, TimeSpan.Zero));
        var staleSince = clock.GetUtcNow() - TimeSpan.FromDays(30);
        var slack = await SlackAsync();
        var settings = new Dictionary<string, string?> { ["Outbox:ClaimGapMs"] = "0", ["Logging:LogLevel:SpeBot.Host.Jobs.ClaimExpiryJob"] = "Debug" };
        var logsA = new LogCapture();
        var a = Host(slack, settings, s =>
        {
            s.AddSingleton<TimeProvider>(clock);
            s.AddSingleton<ILoggerProvider>(logsA);
        });
        a.CreateClient();
        var ws = Scalar<long>("INSERT INTO workspaces (platform, external_id, created_at, updated_at) VALUES ('slack', 'T1', @at, @at) RETURNING id",
            new { at = Iso.Of(staleSince) });
        long StaleClaim(int number) => Scalar<long>("""
            INSERT INTO items (workspace_id, number, title, author_platform, author_id, status, claimed_by, claimed_at, progress_at, created_at, updated_at)
            VALUES (@ws, @number, 'Stale claim', 'slack', 'U1', 'in_progress', 'U1', @at, @at, @at, @at) RETURNING id
            """, new { ws, number, at = Iso.Of(staleSince) });
        bool Claimed(long id) => Scalar<string?>("SELECT claimed_by FROM items WHERE id = @id", new { id }) is not null;

        // A ran this hour's housekeeping when it started (nothing was stale then): to its end, since it claims the hour
        // before it looks for stale claims; then a claim goes stale, and B starts.
        await SpeBotFactory.WaitUntilAsync(() => Scalar<long>("SELECT COUNT(*) FROM job_runs") == 1 && logsA.Has("hour done"), what: "A's run");
        var stale = StaleClaim(1);
        var logs = new LogCapture();
        var b = Host(slack, settings, s =>
        {
            s.AddSingleton<TimeProvider>(clock);
            s.AddSingleton<ILoggerProvider>(logs);
        });
        b.CreateClient();
        await SpeBotFactory.WaitUntilAsync(() => logs.Has("already ran"), what: "B's run finds the hour claimed");
        Assert.True(Claimed(stale));

        // The next hour: both timers fire; one of them releases the claim, once.
        clock.Advance(ClaimExpiryJob.Interval);
        await SpeBotFactory.WaitUntilAsync(() => !Claimed(stale) && Scalar<long>("SELECT COUNT(*) FROM job_runs") == 2, what: "next hour's run");
        await SpeBotFactory.WaitUntilAsync(() => logs.Lines.Count(l => l.Message.Contains("already ran", StringComparison.Ordinal)) >= 2
                                                 || logs.Has("Released 1 stale claims"), what: "B's second run");
        Assert.Equal(1, Scalar<long>("SELECT COUNT(*) FROM item_events WHERE action = 'claim_expired'"));
        Assert.Equal(1, Scalar<long>("SELECT COUNT(*) FROM outbox WHERE dedupe_key LIKE 'claim_expired:%'"));
    }

    /// <summary>Drops instance A's role once its database is gone (roles are server-wide).</summary>
    private sealed class DropRole(string connectionString, string role) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            try
            {
                PostgresHosts.Execute(connectionString, $"DROP OWNED BY {role}; DROP ROLE IF EXISTS {role}");
            }
            catch (PostgresException)
            {
                // The database still holds its grants on another object; the throwaway server goes with the run.
            }
            return ValueTask.CompletedTask;
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using Dapper;
using SpeBot.Core;
using SpeBot.Core.Commands;
using SpeBot.Core.Items;
using SpeBot.Core.Schedules;
using SpeBot.Core.Storage;
using SpeBot.Core.Workspaces;
using SpeBot.Host.Slack;

namespace SpeBot.ReadBench;

/// <summary>
/// Server time of each read, measured in the process: the command through CommandRouter and its Block Kit rendering
/// (what the slash command's ack carries), a card update as the outbox renders it, a digest build with its blocks, the
/// capacity report, a handoff summary, the App Home view. No HTTP, signing or network: those cost the same whatever the backlog.
/// Scenarios take turns, one call each, so a slow moment of a shared machine weighs on all of them alike.
/// </summary>
internal sealed class ReadScenarios(IServiceProvider services, int people, int seed)
{
    public sealed record Scenario(string Name, Func<int, Task> Run);

    public async Task<IReadOnlyList<Scenario>> BuildAsync(CancellationToken ct = default)
    {
        var router = services.GetRequiredService<CommandRouter>();
        var renderer = services.GetRequiredService<SlackRenderer>();
        var items = services.GetRequiredService<ItemStore>();
        var queries = services.GetRequiredService<ItemQueries>();
        var digest = services.GetRequiredService<DigestBuilder>();
        var slackDigest = services.GetRequiredService<SlackDigest>();
        var home = services.GetRequiredService<SlackHome>();
        var clock = services.GetRequiredService<TimeProvider>();
        var db = services.GetRequiredService<Database>();
        var ws = await services.GetRequiredService<WorkspaceStore>().EnsureAsync(Platform.Slack, SpeBotServices.Team, ct);
        await queries.EnsureScoreBasisAsync(ct);
        var (maxNumber, popular, popularNumber) = await db.ReadAsync(async c =>
        {
            var max = await c.ExecuteScalarAsync<long>("SELECT MAX(number) FROM items WHERE workspace_id = @Id", new { ws.Id });
            var top = await c.QuerySingleAsync<(long Id, long Number)>("SELECT id, number FROM items WHERE workspace_id = @Id ORDER BY votes DESC LIMIT 1", new { ws.Id });
            return (max, top.Id, top.Number);
        }, ct);
        // A handoff over the seed's last twelve hours of work (its clock stopped when the seed ended), made once per database.
        var handoff = await db.WriteAsync(async (c, tx) =>
        {
            var end = DateTimeOffset.Parse(await c.ExecuteScalarAsync<string>("SELECT MAX(created_at) FROM item_events", transaction: tx) ?? Iso.Of(clock.GetUtcNow()),
                CultureInfo.InvariantCulture);
            await SpeBot.Core.Oncall.HandoffStore.InsertAsync(c, tx, ws.Id, "CSPE", "readbench:last-12h", "U000001", "U000002", end.AddHours(-12), end, null, ct);
            return await c.ExecuteScalarAsync<long>("SELECT id FROM handoffs WHERE ref_key = 'readbench:last-12h'", transaction: tx);
        }, ct);
        var handoffs = services.GetRequiredService<SpeBot.Core.Oncall.HandoffBuilder>();
        var slackHandoff = services.GetRequiredService<SlackHandoff>();
        var rng = new Random(seed);
        // Drawn up front so every run asks for the same things.
        var persons = Enumerable.Range(0, 4096).Select(_ => $"U{rng.Next(people):D6}").ToArray();
        var numbers = Enumerable.Range(0, 4096).Select(_ => 1 + rng.NextInt64(maxNumber)).ToArray();

        async Task Command(string text, string user)
        {
            var reply = await router.DispatchAsync(new ChatCommand(Platform.Slack, SpeBotServices.Team, "CSPE", user, text), ct);
            _ = renderer.Render(reply);
        }
        string Person(int i) => persons[i % persons.Length];

        return
        [
            new("top 10", i => Command("top 10", Person(i))),
            new("list", i => Command("list", Person(i))),
            new("list open #security", i => Command("list open #security", Person(i))),
            new("list page:50", i => Command("list page:50", Person(i))),
            new("list @person", i => Command($"list <@{Person(i + 1)}>", Person(i))),
            new("search tls", i => Command("search tls", Person(i))),
            new("search 監視", i => Command("search 監視", Person(i))),
            new("search (no match: whole table)", i => Command("search kubernetes-operator", Person(i))),
            new("mine", i => Command("mine", Person(i))),
            new("show (any item)", i => Command($"show SPE-{numbers[i % numbers.Length]}", Person(i))),
            new("show (most-voted item)", i => Command($"show SPE-{popularNumber}", Person(i))),
            new("card update (most-voted item)", async i =>
            {
                var item = await items.GetAsync(popular, ct);
                _ = renderer.ItemCard(queries.View(item!), "en");
            }),
            new("digest build (last 7 days)", async i =>
            {
                var now = clock.GetUtcNow();
                var model = await digest.BuildAsync(ws.Id, now.AddDays(-7), now, ct);
                _ = slackDigest.Main(model, "en", TimeZoneInfo.Utc);
                _ = slackDigest.Details(model, "en");
            }),
            new("handoff summary (12-hour shift)", async i =>
            {
                var model = await handoffs.BuildAsync(handoff, ct);
                _ = slackHandoff.Summary(model!, "en", TimeZoneInfo.Utc);
            }),
            new("capacity", i => Command("capacity", Person(i))),
            new("App Home", async i =>
            {
                var (mine, claims) = await queries.MineAsync(ws.Id, Person(i), ct);
                var top = await queries.TopAsync(ws.Id, SlackHome.PerSection, ct);
                _ = home.View(mine, claims, top, "en");
            }),
            // Dashboard queries (branch web-ui): add one row per query here, e.g.
            // new("dashboard: <query>", i => dashboard.<Query>Async(ws.Id, ..., ct)),
        ];
    }

    /// <summary>Runs every scenario <paramref name="warmUp"/> then <paramref name="iterations"/> times, in turns.</summary>
    public static async Task<IReadOnlyList<(string Name, double P50, double P99, double Max)>> MeasureAsync(IReadOnlyList<Scenario> scenarios, int warmUp, int iterations)
    {
        var times = scenarios.Select(_ => new List<double>(iterations)).ToArray();
        for (var i = 0; i < warmUp + iterations; i++)
        {
            for (var s = 0; s < scenarios.Count; s++)
            {
                var start = Stopwatch.GetTimestamp();
                await scenarios[s].Run(i);
                var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                if (i >= warmUp) times[s].Add(ms);
            }
        }
        return scenarios.Select((s, k) =>
        {
            var sorted = times[k].Order().ToArray();
            return (s.Name, Percentile(sorted, 0.50), Percentile(sorted, 0.99), sorted[^1]);
        }).ToList();
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    public static string Format(double ms) => ms.ToString(ms < 10 ? "0.00" : "0.0", CultureInfo.InvariantCulture);
}

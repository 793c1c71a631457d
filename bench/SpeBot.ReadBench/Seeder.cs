using System.Diagnostics;
using Microsoft.Extensions.Options;
using SpeBot.Core;
using SpeBot.Core.Commands;
using SpeBot.Core.Items;
using SpeBot.Core.Storage;
using SpeBot.Core.Workspaces;

namespace SpeBot.ReadBench;

/// <summary>
/// Builds a realistic large backlog through SpeBot's own code: items through ItemStore.CreateAsync (the proposal's
/// insert, in transactions of thousands), votes with the button path's insert, its "voted" event and ScoreIndex (in
/// big transactions, since a million single commits would take an hour), and everything that happens to an item
/// afterwards (accept, claim, done with evidence, decline, withdraw, merge, log, pledge) as chat commands through
/// CommandRouter, in time order, with the clock set to when each happened.
/// Shape: items over two years across categories, teams and sizes, older items more often closed; votes skewed
/// (Zipf, s = 1) over the people, at most one per person per item; a few hundred claims open at the end.
/// </summary>
internal sealed class Seeder(IServiceProvider services, SeedClock clock, int itemCount, int voteCount, int people, int seed)
{
    public const string Maintainer = "UMAINT";
    private static readonly TimeSpan Span = TimeSpan.FromDays(730);
    private static readonly (string Name, int Weight)[] Categories =
        [("measurement", 10), ("performance", 15), ("security", 15), ("cost", 10), ("esg", 4), ("productivity", 12), ("lifecycle", 18), ("toil", 10), ("other", 6)];
    private static readonly string[] Services =
        ["checkout", "billing", "search", "auth", "gateway", "payments", "catalog", "ledger", "inventory", "notifications",
         "reporting", "ingest", "scheduler", "cdn", "mail", "profile", "orders", "pricing", "media", "analytics"];
    private static readonly Dictionary<string, string[]> Templates = new()
    {
        ["measurement"] = ["Add SLO dashboard for {0}", "Alert on error budget burn in {0}", "Trace slow queries in {0}", "Export {0} saturation metrics"],
        ["performance"] = ["Cut p99 latency of {0}", "Cache hot reads in {0}", "Replace filters in {0} with an index", "Profile allocations in {0}"],
        ["security"] = ["Rotate TLS ciphers on {0}", "Drop TLS 1.0 from {0}", "Remove SHA-1 signing in {0}", "Patch dependency CVEs in {0}", "Enforce MFA for {0} admins"],
        ["cost"] = ["Right-size {0} instances", "Move {0} logs to cold storage", "Delete unused {0} snapshots", "Use spot nodes for {0} batch"],
        ["esg"] = ["Schedule {0} batch in low-carbon hours", "Measure energy use of {0}"],
        ["productivity"] = ["Speed up {0} CI pipeline", "Make {0} local setup one command", "Flaky tests in {0}", "Cache {0} build layers"],
        ["lifecycle"] = ["Upgrade {0} to the next LTS runtime", "Resolve TODO/FIXME backlog in {0}", "Retire EOL OS images of {0}", "Upgrade {0} database major version"],
        ["toil"] = ["Automate {0} certificate renewal", "Stop manual restarts of {0}", "Script the {0} on-call runbook"],
        ["other"] = ["Document {0} ownership", "Clean up {0} feature flags"],
    };
    private static readonly string[] JapaneseTemplates = ["{0} の監視を追加する", "{0} のTLS設定を更新", "{0} のレイテンシを改善", "{0} の手作業をなくす"];

    private enum Fate { Proposed, Accepted, InProgress, Done, Declined, Withdrawn, Duplicate }

    private sealed record Plan(int Number, DateTimeOffset Created, string Category, string? Team, int? Impact, int? Effort, string Author,
                               string Title, string? Detail)
    {
        public Fate Fate { get; set; }
        public DateTimeOffset Closes { get; set; } = DateTimeOffset.MaxValue;
        public long Id { get; set; }
    }

    private readonly Random _rng = new(seed);
    private readonly List<(DateTimeOffset At, long Seq, string User, string Text)> _ops = [];
    private long _seq;

    public async Task RunAsync(CancellationToken ct = default)
    {
        var total = Stopwatch.StartNew();
        var end = clock.Now;
        var start = end - Span;
        clock.Now = start;
        await services.GetRequiredService<Migrator>().MigrateAsync(ct);
        var db = services.GetRequiredService<Database>();
        var store = services.GetRequiredService<ItemStore>();
        var workspaces = services.GetRequiredService<WorkspaceStore>();
        var weights = services.GetRequiredService<IOptions<SpeBotOptions>>().Value.Score;
        var ws = await workspaces.EnsureAsync(Platform.Slack, SpeBotServices.Team, ct);
        await workspaces.AddMaintainerAsync(ws.Id, Maintainer, Maintainer, ct);
        await services.GetRequiredService<ItemQueries>().EnsureScoreBasisAsync(ct);

        var plans = PlanItems(start, end);
        var step = Stopwatch.StartNew();
        const int ItemBatch = 5_000;
        for (var from = 0; from < plans.Count; from += ItemBatch)
        {
            var batch = plans.Skip(from).Take(ItemBatch).ToList();
            await db.WriteAsync(async (c, tx) =>
            {
                foreach (var p in batch)
                {
                    clock.Now = p.Created;
                    var (item, _) = await store.CreateAsync(c, tx, new NewItem(ws.Id, p.Title, "slack", p.Author, p.Category, p.Detail,
                        p.Impact, p.Effort, p.Team, ChannelId: "CSPE"), ct);
                    if (item.Number != p.Number) throw new InvalidOperationException($"Seed into an empty database: got SPE-{item.Number}, expected SPE-{p.Number}.");
                    p.Id = item.Id;
                }
                return 0;
            }, ct);
            // Settled as the bot's once-a-second pass would have (migration 0012), before anything happens to them.
            await services.GetRequiredService<ItemSettling>().SettleAllAsync(ct);
            Progress("items", from + batch.Count, plans.Count, step);
        }

        await VoteAsync(db, store, weights, plans, end, ct);
        await RunOpsAsync(ct);
        clock.Now = end;
        Console.WriteLine($"seeded {plans.Count:N0} items and {voteCount:N0} votes in {total.Elapsed.TotalSeconds:N0} s");
    }

    private List<Plan> PlanItems(DateTimeOffset start, DateTimeOffset end)
    {
        var plans = new List<Plan>(itemCount);
        var openSoFar = new List<int>();
        var categoryTotal = Categories.Sum(c => c.Weight);
        for (var i = 0; i < itemCount; i++)
        {
            var created = start + Span * ((i + _rng.NextDouble()) / itemCount);
            var category = Pick(Categories, categoryTotal);
            var service = Services[_rng.Next(Services.Length)];
            var title = _rng.NextDouble() < 0.1
                ? string.Format(System.Globalization.CultureInfo.InvariantCulture, JapaneseTemplates[_rng.Next(JapaneseTemplates.Length)], service)
                : string.Format(System.Globalization.CultureInfo.InvariantCulture, Templates[category][_rng.Next(Templates[category].Length)], service);
            var plan = new Plan(i + 1, created, category,
                Team: _rng.NextDouble() < 0.15 ? null : $"team-{_rng.Next(1, 25):D2}",
                Impact: _rng.NextDouble() < 0.3 ? null : _rng.Next(1, 6),
                Effort: _rng.NextDouble() < 0.3 ? null : _rng.Next(1, 6),
                Author: Person(skewed: true),
                Title: title,
                Detail: _rng.NextDouble() < 0.5 ? $"Seen in {service} during the last incident review; owner to confirm scope." : null);
            Decide(plan, end, openSoFar);
            if (plan.Fate is Fate.Proposed or Fate.Accepted or Fate.InProgress) openSoFar.Add(i);
            plans.Add(plan);
        }
        return plans;

        string Pick((string Name, int Weight)[] options, int sum)
        {
            var r = _rng.Next(sum);
            foreach (var (name, weight) in options)
            {
                if (r < weight) return name;
                r -= weight;
            }
            return options[^1].Name;
        }
    }

    /// <summary>What becomes of the item: older items are more often closed; the chat commands that get it there.</summary>
    private void Decide(Plan p, DateTimeOffset end, List<int> openSoFar)
    {
        var age = (end - p.Created) / Span;                       // 0 (new) .. 1 (two years old)
        var last = end.AddMinutes(-1);
        DateTimeOffset After(DateTimeOffset t, double minDays, double maxDays)
        {
            var at = t + TimeSpan.FromDays(minDays + _rng.NextDouble() * (maxDays - minDays));
            return at < last ? at : last;
        }
        var r = _rng.NextDouble();
        var closed = r < 0.1 + 0.75 * age;
        var reference = ItemRef.Format(p.Number);
        if (!closed)
        {
            var accepted = _rng.NextDouble() < 0.45;
            // Claims are recent: a claim without progress is released within weeks, so open claims stay a few hundred.
            var claimed = accepted && (end - p.Created).TotalDays < 40 && _rng.NextDouble() < 0.5;
            p.Fate = claimed ? Fate.InProgress : accepted ? Fate.Accepted : Fate.Proposed;
            if (accepted) Op(After(p.Created, 0.1, 5), Maintainer, $"accept {reference}");
            if (claimed) Op(After(p.Created, 5, 10), Person(), $"claim {reference}");
            return;
        }
        var kind = _rng.NextDouble();
        if (kind < 0.72)
        {
            p.Fate = Fate.Done;
            var accept = After(p.Created, 0.1, 5);
            var claimAt = After(accept, 0.5, 20);
            var doneAt = After(claimAt, 0.5, 15);
            var claimer = Person();
            Op(accept, Maintainer, $"accept {reference}");
            Op(claimAt, claimer, $"claim {reference}");
            if (_rng.NextDouble() < 0.4)
                for (var k = _rng.Next(1, 4); k > 0; k--) Op(After(claimAt, 0, (doneAt - claimAt).TotalDays), claimer, $"log {reference} {_rng.Next(1, 9)}.5");
            Op(doneAt, claimer, _rng.NextDouble() < 0.6 ? $"done {reference} p99 from {_rng.Next(300, 900)} ms to {_rng.Next(50, 300)} ms" : $"done {reference}");
            p.Closes = doneAt;
        }
        else if (kind < 0.84)
        {
            p.Fate = Fate.Declined;
            p.Closes = After(p.Created, 1, 10);
            Op(p.Closes, Maintainer, $"decline {reference} out of scope for SPE");
        }
        else if (kind < 0.90)
        {
            p.Fate = Fate.Withdrawn;
            p.Closes = After(p.Created, 0.1, 7);
            Op(p.Closes, p.Author, $"withdraw {reference}");
        }
        else if (openSoFar.Count > 0)
        {
            // Merged into an earlier item that stays open, so the target is open whenever the merge runs.
            p.Fate = Fate.Duplicate;
            p.Closes = After(p.Created, 0.1, 7);
            Op(p.Closes, Maintainer, $"merge {reference} into {ItemRef.Format(openSoFar[_rng.Next(openSoFar.Count)] + 1)}");
        }
        else
        {
            p.Fate = Fate.Declined;
            p.Closes = After(p.Created, 1, 10);
            Op(p.Closes, Maintainer, $"decline {reference} out of scope for SPE");
        }
    }

    private void Op(DateTimeOffset at, string user, string text) => _ops.Add((at, _seq++, user, text));

    /// <summary>The item a command is about (its first SPE-n): commands on one item keep their order.</summary>
    private static string ItemOf(string text) => text.Split(' ')[1];

    /// <summary>A person id; skewed: a few people propose most items.</summary>
    private string Person(bool skewed = false)
    {
        var u = _rng.NextDouble();
        return $"U{(int)(people * (skewed ? u * u : u)):D6}";
    }

    /// <summary>
    /// Zipf over items (popularity 1/rank, rank shuffled so age does not decide it), scaled so the counts add up to the
    /// requested votes with no item above the number of people (one vote per person per item).
    /// </summary>
    private async Task VoteAsync(Database db, ItemStore store, ScoreWeights weights, List<Plan> plans, DateTimeOffset end, CancellationToken ct)
    {
        var ranks = Enumerable.Range(1, plans.Count).OrderBy(_ => _rng.Next()).ToArray();
        var popularity = ranks.Select(r => 1.0 / r).ToArray();
        double lo = 0, hi = voteCount;
        for (var k = 0; k < 60; k++)
        {
            var mid = (lo + hi) / 2;
            if (popularity.Sum(w => Math.Min(people, mid * w)) < voteCount) lo = mid; else hi = mid;
        }
        var counts = popularity.Select(w => (int)Math.Min(people, Math.Round(hi * w))).ToArray();
        var voters = Enumerable.Range(0, people).ToArray();
        var step = Stopwatch.StartNew();
        var done = 0L;
        var planned = counts.Sum(c => (long)c);
        const int VoteBatch = 50_000;
        var at = 0;
        while (at < plans.Count)
        {
            var from = at;
            var size = 0L;
            while (at < plans.Count && (size == 0 || size + counts[at] <= VoteBatch)) size += counts[at++];
            var to = at;
            // Drawn here, outside the write: a write may run twice (Database.Commit) and must do the same both times.
            var batch = new List<(Plan Plan, (string Voter, DateTimeOffset At)[] Votes)>();
            for (var i = from; i < to; i++)
            {
                var p = plans[i];
                var until = p.Closes < end ? p.Closes : end;
                var votes = new (string, DateTimeOffset)[counts[i]];
                for (var v = 0; v < votes.Length; v++)
                {
                    var j = _rng.Next(v, people);
                    (voters[v], voters[j]) = (voters[j], voters[v]);
                    votes[v] = ($"U{voters[v]:D6}", p.Created + (until - p.Created) * _rng.NextDouble());
                }
                batch.Add((p, votes));
            }
            await db.WriteAsync(async (c, tx) =>
            {
                foreach (var (p, votes) in batch)
                {
                    var itemId = p.Id;
                    foreach (var (voter, when) in votes.OrderBy(v => v.At))
                    {
                        clock.Now = when;
                        // The Vote button's insert and event (Votes.ToggleAsync), without its per-vote commit and card refresh.
                        await c.RunAsync(tx, "INSERT INTO votes (item_id, voter_id, via, created_at) VALUES (@itemId, @userId, 'button', @now)", ct,
                            ("@itemId", itemId), ("@userId", voter), ("@now", Iso.Of(when)));
                        await store.AppendEventAsync(c, tx, itemId, voter, "voted", "button", "slack", "CSPE", ct);
                    }
                    await ScoreIndex.AddVotesAsync(c, tx, itemId, votes.Length, weights, ct);
                }
                return 0;
            }, ct);
            done += size;
            Progress("votes", done, planned, step);
        }
    }

    /// <summary>
    /// Every later change as the chat command a person would type, in time order. Commands are taken in six-hour
    /// windows with the clock at the window's end (never before the command's own time); within a window each item's
    /// commands run in order and different items run side by side, so the writer commits them in groups as it does
    /// under real load. One at a time, the 100k seed spent minutes waiting for single commits.
    /// </summary>
    private async Task RunOpsAsync(CancellationToken ct)
    {
        var router = services.GetRequiredService<CommandRouter>();
        var ops = _ops.OrderBy(o => o.At).ThenBy(o => o.Seq).ToList();
        var step = Stopwatch.StartNew();
        var refused = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        var window = TimeSpan.FromHours(6);
        var doneCount = 0;
        var reported = 0;
        for (var i = 0; i < ops.Count;)
        {
            var windowEnd = ops[i].At + window;
            var from = i;
            while (i < ops.Count && ops[i].At < windowEnd) i++;
            var last = ops[i - 1].At;
            clock.Now = last;
            var chains = ops.Skip(from).Take(i - from).GroupBy(o => ItemOf(o.Text)).Select(async chain =>
            {
                foreach (var (_, _, user, text) in chain)
                {
                    var reply = await router.DispatchAsync(new ChatCommand(Platform.Slack, SpeBotServices.Team, "CSPE", user, text), ct);
                    var key = reply.Lines.FirstOrDefault()?.Key ?? "";
                    if (key.StartsWith("refuse", StringComparison.Ordinal) || key.StartsWith("error", StringComparison.Ordinal) || key.StartsWith("help", StringComparison.Ordinal))
                        refused.AddOrUpdate(key, 1, (_, n) => n + 1);
                }
            });
            await Task.WhenAll(chains);
            doneCount = i;
            if (doneCount - reported >= 20_000 || doneCount == ops.Count)
            {
                reported = doneCount;
                Progress("commands", doneCount, ops.Count, step);
            }
        }
        foreach (var (key, n) in refused) Console.WriteLine($"  {n} commands answered {key}");
        // Pledges: every team re-pledges about every eight weeks.
        var capacity = services.GetRequiredService<SpeBot.Core.Capacity.CapacityStore>();
        var ws = await services.GetRequiredService<WorkspaceStore>().EnsureAsync(Platform.Slack, SpeBotServices.Team, ct);
        var pledges = 0;
        for (var team = 1; team <= 24; team++)
        for (var t = ops.Count > 0 ? ops[0].At : clock.Now; t < ops[^1].At; t += TimeSpan.FromDays(50 + _rng.Next(20)))
        {
            clock.Now = t;
            await capacity.PledgeAsync(ws.Id, $"team-{team:D2}", 8 * _rng.Next(1, 6), Maintainer, ct);
            pledges++;
        }
        Console.WriteLine($"  {pledges} pledges");
    }

    private static void Progress(string what, long done, long total, Stopwatch since) =>
        Console.WriteLine($"  {what}: {done:N0}/{total:N0} ({done / Math.Max(0.001, since.Elapsed.TotalSeconds):N0}/s)");
}

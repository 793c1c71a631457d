// Load generator for SpeBot: drives a running bot (Release, temp database) with signed /spe propose
// requests and signed reaction events, next to GET /healthz in the same run, and reports requests/s
// and p50/p99 for each. It also serves a fake Slack Web API so the bot's outbox has somewhere to post.
//
// Usage: SpeBot.Bench <bot-url[,bot-url...]> <fake-slack-port> <database> <signing-secret> [seconds-per-round] [clients, e.g. 64,256] [warm-up-seconds] [rounds]
//
// <database> is the SQLite file or, for a bot on PostgreSQL, its connection string. Several bot URLs (instances on one
// database) split the clients between them: client i talks to instance i mod n, as a load balancer spreading users.
// BENCH_SCENARIOS picks scenarios by label (default healthz,propose,vote; the Bolt baseline answers healthz,propose);
// BENCH_TARGET=off drops the propose/healthz target (it is SpeBot's, not the baseline's).
//
// Throughput is measured at each number of concurrent clients given and compared at each scenario's peak. A closed
// loop of N clients measures how fast one request comes back, not how many the bot can take: a durable write waits
// for its group's commit and fsync, so at few clients the cores idle while the disk works. Slack does not wait for
// one user's answer before sending the next user's command, so the peak is the capacity that matters; the ratio at
// each level is printed too.
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

string[] botUrls = [.. args[0].Split(',', StringSplitOptions.RemoveEmptyEntries).Select(u => u.TrimEnd('/'))];
var slackPort = int.Parse(args[1], CultureInfo.InvariantCulture);
var database = new BenchDatabase(args[2]);
var secret = args[3];
var seconds = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 10;
int[] levels = args.Length > 5 ? [.. args[5].Split(',').Select(l => int.Parse(l, CultureInfo.InvariantCulture))] : [64, 256];
var warmUpSeconds = args.Length > 6 ? int.Parse(args[6], CultureInfo.InvariantCulture) : 10;
var rounds = args.Length > 7 ? int.Parse(args[7], CultureInfo.InvariantCulture) : 3;
var wanted = (Environment.GetEnvironmentVariable("BENCH_SCENARIOS") is { Length: > 0 } list ? list : "healthz,propose,vote").Split(',');
var target = Environment.GetEnvironmentVariable("BENCH_TARGET") != "off";
var key = Encoding.UTF8.GetBytes(secret);

await using var fakeSlack = await FakeSlack.StartAsync(slackPort);
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = levels.Max() * 2 });

Console.WriteLine($"SpeBot benchmark: {rounds} rounds of {seconds} s per scenario at {string.Join(" and ", levels)} concurrent clients, " +
                  $"{(botUrls.Length == 1 ? "bot " : $"{botUrls.Length} instances ")}{string.Join(", ", botUrls)}, {database.Describe}");
foreach (var url in botUrls) await WarmUpAsync(url);

// Cards to vote on: proposals posted by the outbox to the fake Slack, mapped in posted_messages.
// One card per channel: Slack's pacing (about one post per second per channel) applies, as in production.
var voting = wanted.Contains("vote");
List<(string Channel, string Ts)> cards = [];
if (voting)
{
    for (var i = 0; i < 20; i++) await http.SendAsync(Command(botUrls[i % botUrls.Length], $"propose Card {i} for votes #performance", "UCARD", $"CBENCH{i}"));
    cards = await WaitForCardsAsync(20);
}

long proposeSeq = 0;
long voteSeq = 0;
Scenario[] scenarios =
[
    .. new Scenario[]
    {
        new("GET /healthz", "healthz", url => new HttpRequestMessage(HttpMethod.Get, url + "/healthz")),
        new("/spe propose (signed)", "propose", url =>
        {
            var n = Interlocked.Increment(ref proposeSeq);
            return Command(url, $"propose Benchmark item {n} impact:3 effort:2", $"UP{n % 500}", $"CP{n % 40}");
        }),
        new("reaction vote (signed event)", "vote", url =>
        {
            var n = Interlocked.Increment(ref voteSeq);
            var card = cards[(int)(n % cards.Count)];
            return Reaction(url, $"EvBench{n}", $"UV{n}", "+1", card.Channel, card.Ts, $"1800000000.{n:D6}");
        }),
    }.Where(s => wanted.Contains(s.Label)),
];
if (scenarios is not [{ Label: "healthz" }, ..]) throw new ArgumentException("BENCH_SCENARIOS must start with healthz: every ratio is against it.");

// Each scenario first runs unmeasured: the JIT tiers up the hot path (thousands of methods recompiled, most of a
// core for seconds) and the measured part is the steady state a running bot lives in. The measured rounds then
// take turns, so a slower minute of a shared machine weighs on every scenario alike, not only on the one it hit.
var acked = new long[scenarios.Length];
foreach (var (s, i) in scenarios.Select((s, i) => (s, i)))
{
    Console.Write($"warming up {s.Name} ...");
    // Each instance gets the warm-up one bot would: split over two, a 10 s warm-up left both still compiling (their
    // first measured round cost twice the CPU per request of the second).
    var warm = await RunAsync(s.Make, warmUpSeconds * botUrls.Length, levels[0]);
    Console.WriteLine($" {warm.Ok + warm.Errors} requests");
    acked[i] += warm.Ok;
}
var results = new List<(int Clients, Result[] Scenarios)>();
foreach (var clients in levels)
{
    var measured = scenarios.Select(_ => new List<Run>()).ToArray();
    for (var round = 1; round <= rounds; round++)
    {
        var line = new StringBuilder($"{clients} clients, round {round}:");
        var writerCost = new StringBuilder();
        for (var i = 0; i < scenarios.Length; i++)
        {
            var cpuBefore = CpuSnapshot.Take();
            var threadsBefore = Environment.GetEnvironmentVariable("BENCH_THREADS") == "1" ? BotCpu.ReadThreads() : null;
            var run = await RunAsync(scenarios[i].Make, seconds, clients);
            measured[i].Add(run);
            acked[i] += run.Ok;
            if (threadsBefore is not null && run.Ok > 0)
                Console.WriteLine($"  {scenarios[i].Label} threads µs/req: " + string.Join(", ", BotCpu.ReadThreads()
                    .Select(t => (t.Key, Us: (t.Value - threadsBefore.GetValueOrDefault(t.Key)).TotalMicroseconds / run.Ok))
                    .Where(t => t.Us >= 1).OrderByDescending(t => t.Us).Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Key} {t.Us:0}"))));
            line.Append(CultureInfo.InvariantCulture, $" {scenarios[i].Label} {run.Rps:0}");
            if (cpuBefore.PerRequest(CpuSnapshot.Take(), run.Ok, seconds) is { } cost) writerCost.Append($" {scenarios[i].Label} {cost};");
        }
        line.Append(" req/s;").Append(string.Join(",", scenarios.Skip(1).Select((s, i) =>
            string.Create(CultureInfo.InvariantCulture, $" {s.Label} {measured[i + 1][^1].Rps / measured[0][^1].Rps:0.00}x"))));
        if (writerCost.Length > 0) line.Append("; CPU µs/req (idle: share of one core):").Append(writerCost);
        Console.WriteLine(line.ToString());
    }
    results.Add((clients, [.. scenarios.Select((s, i) => Total(s.Name, measured[i]))]));
}

Console.WriteLine();
Console.WriteLine($"{"scenario",-32} {"clients",7} {"ok",8} {"errors",7} {"req/s",9} {"p50 ms",8} {"p99 ms",8}");
foreach (var (clients, level) in results)
    foreach (var r in level)
        Console.WriteLine($"{r.Name,-32} {clients,7} {r.Ok,8} {r.Errors,7} {r.Rps,9:0} {r.P50,8:0.00} {r.P99,8:0.00}");
Console.WriteLine();
foreach (var (clients, level) in results)
    Console.WriteLine($"at {clients} clients: " + string.Join(", ", scenarios.Skip(1).Select((s, i) =>
        string.Create(CultureInfo.InvariantCulture, $"{s.Label}/healthz = {level[i + 1].Rps / level[0].Rps:0.00}"))));
var peak = Enumerable.Range(0, scenarios.Length).Select(i => results.Select(l => (l.Clients, l.Scenarios[i])).MaxBy(l => l.Item2.Rps)).ToArray();
Console.WriteLine("peak throughput: " + string.Join(", ", peak.Select((p, i) => string.Create(CultureInfo.InvariantCulture,
    $"{scenarios[i].Label} {p.Item2.Rps:0} req/s at {p.Clients} clients (p99 {p.Item2.P99:0.0} ms)"))));
var pass = true;
for (var i = 1; i < scenarios.Length; i++)
{
    var ratio = peak[i].Item2.Rps / peak[0].Item2.Rps;
    var verdict = target ? (ratio >= 0.45 ? " (target >= 0.45) PASS" : " (target >= 0.45) FAIL") : "";
    pass &= !target || ratio >= 0.45;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{scenarios[i].Label + "/healthz",-16}= {ratio:0.00} at peak{verdict}"));
}
var errorsSeen = results.Sum(l => l.Scenarios.Skip(1).Sum(r => r.Errors));
// Durable before ack: every acked proposal and vote is in the database the moment the run ends (on PostgreSQL,
// read from the server after every instance acked).
var durable = true;
var proposeAt = Array.FindIndex(scenarios, s => s.Label == "propose");
var voteAt = Array.FindIndex(scenarios, s => s.Label == "vote");
var report = new List<string>();
if (proposeAt > 0)
{
    var (items, expected) = (await database.CountAsync("items"), acked[proposeAt] + cards.Count);
    durable &= items == expected;
    report.Add($"{items} items for {expected} acked proposals");
}
if (voteAt > 0)
{
    var votes = await database.CountAsync("votes");
    durable &= votes == acked[voteAt];
    report.Add($"{votes} votes for {acked[voteAt]} acked votes");
}
Console.WriteLine($"durable: {string.Join(", ", report)} {(durable ? "PASS" : "FAIL")}");
return pass && durable && errorsSeen == 0 ? 0 : 1;

async Task WarmUpAsync(string url)
{
    var until = DateTime.UtcNow.AddSeconds(60);
    while (true)
    {
        try
        {
            if ((await http.GetAsync(url + "/healthz")).IsSuccessStatusCode) break;
        }
        catch (HttpRequestException) when (DateTime.UtcNow < until)
        {
        }
        if (DateTime.UtcNow > until) throw new TimeoutException($"The bot at {url} did not answer /healthz within 60 s.");
        await Task.Delay(200);
    }
    for (var i = 0; i < 200; i++) await http.GetAsync(url + "/healthz");
    for (var i = 0; i < 50; i++) await http.SendAsync(Command(url, "help", "UWARM", "CWARM"));
}

async Task<List<(string Channel, string Ts)>> WaitForCardsAsync(int n)
{
    var until = DateTime.UtcNow.AddSeconds(60);
    while (DateTime.UtcNow < until)
    {
        var posted = await database.CardsAsync();
        if (posted.Count >= n) return posted;
        await Task.Delay(250);
    }
    throw new TimeoutException("Cards were not posted to the fake Slack within 60 s; is the outbox running?");
}

async Task<Run> RunAsync(Func<string, HttpRequestMessage> make, int seconds, int concurrency)
{
    var latencies = new List<double>[concurrency];
    var errors = 0;
    var stop = Stopwatch.StartNew();
    var deadline = TimeSpan.FromSeconds(seconds);
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async w =>
    {
        var mine = latencies[w] = new List<double>(4096);
        var url = botUrls[w % botUrls.Length];
        while (stop.Elapsed < deadline)
        {
            using var request = make(url);
            var t = Stopwatch.GetTimestamp();
            using var response = await http.SendAsync(request);
            await response.Content.ReadAsByteArrayAsync();
            mine.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            if (!response.IsSuccessStatusCode) Interlocked.Increment(ref errors);
        }
    }));
    return new Run([.. latencies.SelectMany(l => l)], errors, stop.Elapsed.TotalSeconds);
}

static Result Total(string name, List<Run> runs)
{
    var all = runs.SelectMany(r => r.Latencies).Order().ToArray();
    var errors = runs.Sum(r => r.Errors);
    return new Result(name, all.Length - errors, errors, all.Length / runs.Sum(r => r.Seconds), Percentile(all, 0.50), Percentile(all, 0.99));
}

static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

HttpRequestMessage Command(string url, string text, string user, string channel) => Signed(url,
    $"team_id=TBENCH&channel_id={channel}&user_id={user}&command=%2Fspe&text={Uri.EscapeDataString(text)}&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2Fx&trigger_id=t",
    "application/x-www-form-urlencoded");

// Every value here is plain ASCII letters and digits, so the JSON is written directly.
HttpRequestMessage Reaction(string url, string eventId, string user, string reaction, string channel, string ts, string eventTs) => Signed(url,
    $$$"""{"type":"event_callback","team_id":"TBENCH","api_app_id":"A1","event_id":"{{{eventId}}}","event_time":1800000000,"event":{"type":"reaction_added","user":"{{{user}}}","reaction":"{{{reaction}}}","item":{"type":"message","channel":"{{{channel}}}","ts":"{{{ts}}}"},"event_ts":"{{{eventTs}}}"}}""",
    "application/json");

HttpRequestMessage Signed(string url, string body, string contentType)
{
    var bytes = Encoding.UTF8.GetBytes(body);
    var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
    byte[] signed = [.. Encoding.ASCII.GetBytes($"v0:{ts}:"), .. bytes];
    var mac = HMACSHA256.HashData(key, signed);
    var request = new HttpRequestMessage(HttpMethod.Post, url + "/slack/events") { Content = new ByteArrayContent(bytes) };
    request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
    request.Headers.TryAddWithoutValidation("X-Slack-Request-Timestamp", ts);
    request.Headers.TryAddWithoutValidation("X-Slack-Signature", "v0=" + Convert.ToHexStringLower(mac));
    return request;
}

internal sealed record Scenario(string Name, string Label, Func<string, HttpRequestMessage> Make);

internal sealed record Run(double[] Latencies, int Errors, double Seconds)
{
    public long Ok => Latencies.Length - Errors;
    public double Rps => Latencies.Length / Seconds;
}

internal sealed record Result(string Name, long Ok, long Errors, double Rps, double P50, double P99);

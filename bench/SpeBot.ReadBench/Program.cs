// Seeds a large SpeBot database and times every read on it. See bench/reads.sh and the README ("Read benchmark").
//
//   SpeBot.ReadBench seed <database> <items> <votes> [people] [random-seed]
//   SpeBot.ReadBench reads <database> <iterations> <results.tsv> [people]
//   SpeBot.ReadBench writes <new-database> [seconds] [callers]  (the SQLite writer's CPU per durable proposal, in process)
//   SpeBot.ReadBench passes <new-database> [batch] [cycles] [initial]  (the writer's CPU per item: proposals, settle and people passes apart)
//   SpeBot.ReadBench compare <smaller.tsv> <larger.tsv>     (the target: every row < 50 ms p99, none above 2x the smaller)
using System.Globalization;
using SpeBot.Core.Storage;
using SpeBot.ReadBench;

var inv = CultureInfo.InvariantCulture;
switch (args.FirstOrDefault())
{
    case "seed":
    {
        var (path, items, votes) = (args[1], int.Parse(args[2], inv), int.Parse(args[3], inv));
        var people = args.Length > 4 ? int.Parse(args[4], inv) : 5000;
        var seed = args.Length > 5 ? int.Parse(args[5], inv) : 42;
        if (File.Exists(path)) throw new InvalidOperationException($"{path} exists; the seeder builds a new database.");
        var clock = new SeedClock(DateTimeOffset.UtcNow);
        // NORMAL: a seed needs no power-loss durability, and each of its many small commands would wait for an fsync.
        await using var app = SpeBotServices.Build(path, "NORMAL", clock);
        Console.WriteLine($"seeding {path}: {items:N0} items, {votes:N0} votes, {people:N0} people");
        await new Seeder(app.Services, clock, items, votes, people, seed).RunAsync();
        await app.Services.GetRequiredService<Database>().DisposeAsync();
        return 0;
    }
    case "reads":
    {
        var (path, iterations, output) = (args[1], int.Parse(args[2], inv), args[3]);
        var people = args.Length > 4 ? int.Parse(args[4], inv) : 5000;
        await using var app = SpeBotServices.Build(path, "FULL");
        var db = app.Services.GetRequiredService<Database>();
        await app.Services.GetRequiredService<Migrator>().MigrateAsync();
        var counts = await db.ReadAsync(async c => (
            Items: await Dapper.SqlMapper.ExecuteScalarAsync<long>(c, "SELECT COUNT(*) FROM items"),
            Votes: await Dapper.SqlMapper.ExecuteScalarAsync<long>(c, "SELECT COUNT(*) FROM votes")));
        var scenarios = await new ReadScenarios(app.Services, people, 7).BuildAsync();
        Console.WriteLine($"read benchmark on {counts.Items:N0} items and {counts.Votes:N0} votes: {iterations} calls per row after {Math.Min(50, iterations)} unmeasured, in turns");
        var rows = await ReadScenarios.MeasureAsync(scenarios, Math.Min(50, iterations), iterations);
        Console.WriteLine($"{"read",-34} {"p50 ms",8} {"p99 ms",8} {"max ms",8}");
        foreach (var (name, p50, p99, max) in rows)
            Console.WriteLine($"{name,-34} {ReadScenarios.Format(p50),8} {ReadScenarios.Format(p99),8} {ReadScenarios.Format(max),8}");
        await File.WriteAllLinesAsync(output, [$"# {counts.Items} items, {counts.Votes} votes", .. rows.Select(r =>
            string.Join('\t', r.Name, r.P50.ToString("R", inv), r.P99.ToString("R", inv), r.Max.ToString("R", inv)))]);
        return 0;
    }
    case "writes":
        return await WriterCost.RunAsync(args[1], args.Length > 2 ? int.Parse(args[2], inv) : 5, args.Length > 3 ? int.Parse(args[3], inv) : 256);
    case "passes":
        return await PassCost.RunAsync(args[1], args.Length > 2 ? int.Parse(args[2], inv) : 16_000, args.Length > 3 ? int.Parse(args[3], inv) : 6,
            args.Length > 4 ? int.Parse(args[4], inv) : 192_000);
    case "compare":
    {
        static (string Header, Dictionary<string, (double P50, double P99)> Rows) Load(string f)
        {
            var lines = File.ReadAllLines(f);
            return (lines[0].TrimStart('#', ' '), lines.Skip(1).Select(l => l.Split('\t')).ToDictionary(
                p => p[0], p => (double.Parse(p[1], CultureInfo.InvariantCulture), double.Parse(p[2], CultureInfo.InvariantCulture))));
        }
        var (small, large) = (Load(args[1]), Load(args[2]));
        Console.WriteLine($"small: {small.Header}; large: {large.Header}");
        Console.WriteLine($"{"read",-34} {"small p50",10} {"small p99",10} {"large p50",10} {"large p99",10} {"p99 ratio",10}  target (< 50 ms p99, <= 2x)");
        var pass = true;
        foreach (var (name, l) in large.Rows)
        {
            var s = small.Rows.GetValueOrDefault(name);
            var ratio = s.P99 > 0 ? l.P99 / s.P99 : double.NaN;
            var ok = l.P99 < 50 && !(ratio > 2);
            pass &= ok;
            Console.WriteLine($"{name,-34} {ReadScenarios.Format(s.P50),10} {ReadScenarios.Format(s.P99),10} {ReadScenarios.Format(l.P50),10} {ReadScenarios.Format(l.P99),10} {ratio.ToString("0.00", inv),10}  {(ok ? "PASS" : "FAIL")}");
        }
        Console.WriteLine(pass ? "every row PASS" : "some rows FAIL");
        return pass ? 0 : 1;
    }
    default:
        Console.Error.WriteLine("usage: SpeBot.ReadBench seed <db> <items> <votes> [people] [seed] | reads <db> <iterations> <out.tsv> [people] | writes <new-db> [seconds] [callers] | passes <new-db> [batch] [cycles] [initial] | compare <small.tsv> <large.tsv>");
        return 2;
}

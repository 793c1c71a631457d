using System.Globalization;

/// <summary>
/// CPU time of each bot process and of its SQLite writer thread (Linux /proc), when the script passes the processes' ids
/// (BENCH_BOT_PID, comma-separated for several instances): on SQLite every write waits for that one thread, so its cost
/// per request bounds propose and vote, and it is far steadier than requests/s on a shared machine. PostgreSQL and the
/// Bolt baseline have no such thread: their writer column stays empty.
/// </summary>
internal static class BotCpu
{
    private static readonly string[] Bots = (Environment.GetEnvironmentVariable("BENCH_BOT_PID") ?? "")
        .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => $"/proc/{p}").ToArray();

    private static readonly string?[] Writers = Bots.Select(Find).ToArray();

    public static int Processes => Bots.Length;

    /// <summary>The writer thread of process <paramref name="i"/>, if it has one.</summary>
    public static TimeSpan? ReadWriter(int i) => Writers[i] is { } t ? Ticks(t) : null;

    /// <summary>The whole bot process <paramref name="i"/>.</summary>
    public static TimeSpan? ReadBot(int i) => Ticks(Bots[i]);

    private static readonly string? Postmaster = Environment.GetEnvironmentVariable("BENCH_PG_PID") is { Length: > 0 } pg ? pg.Trim() : null;

    /// <summary>
    /// The PostgreSQL server (BENCH_PG_PID, the postmaster): itself, its live children (a backend per pooled connection,
    /// the WAL writer, the checkpointer) and the children it already reaped, so its cost per request is comparable.
    /// </summary>
    public static TimeSpan? ReadPostgres()
    {
        if (Postmaster is null) return null;
        try
        {
            var total = TimeSpan.Zero;
            foreach (var proc in Directory.EnumerateDirectories("/proc"))
            {
                var name = Path.GetFileName(proc);
                if (name.Length == 0 || !char.IsAsciiDigit(name[0])) continue;
                try
                {
                    var fields = Fields(proc);
                    if (name == Postmaster) total += Clock(fields, 11) + Clock(fields, 12) + Clock(fields, 13) + Clock(fields, 14);
                    else if (fields[1] == Postmaster) total += Clock(fields, 11) + Clock(fields, 12);
                }
                catch (IOException)
                {
                    // A backend that ended between the listing and the read: its time is in the postmaster's reaped total.
                }
            }
            return total;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Idle time of all cores (from /proc/stat), to tell a CPU-bound scenario from a latency-bound one.</summary>
    public static TimeSpan? ReadIdle()
    {
        try
        {
            var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return TimeSpan.FromSeconds(long.Parse(cpu[4], CultureInfo.InvariantCulture) / 100.0);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>CPU per thread name of the bots (BENCH_THREADS=1), to see where a request's time goes.</summary>
    public static Dictionary<string, TimeSpan> ReadThreads()
    {
        var byName = new Dictionary<string, TimeSpan>();
        foreach (var bot in Bots)
        {
            if (!Directory.Exists(Path.Combine(bot, "task"))) continue;
            foreach (var t in Directory.EnumerateDirectories(Path.Combine(bot, "task")))
            {
                try
                {
                    var name = File.ReadAllText(Path.Combine(t, "comm")).Trim();
                    if (Ticks(t) is { } cpu) byName[name] = byName.GetValueOrDefault(name) + cpu;
                }
                catch (IOException)
                {
                }
            }
        }
        return byName;
    }

    private static TimeSpan? Ticks(string task)
    {
        try
        {
            var fields = Fields(task);
            return Clock(fields, 11) + Clock(fields, 12);
        }
        catch (IOException)
        {
            return null;
        }
    }

    // Fields after the command name: state is field 3, ppid 4, utime and stime 14 and 15, cutime and cstime 16 and 17.
    private static string[] Fields(string task)
    {
        var stat = File.ReadAllText(Path.Combine(task, "stat"));
        return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    }

    private static TimeSpan Clock(string[] fields, int i) => TimeSpan.FromSeconds(long.Parse(fields[i], CultureInfo.InvariantCulture) / 100.0);

    private static string? Find(string bot)
    {
        if (!Directory.Exists($"{bot}/task")) return null;
        return Directory.EnumerateDirectories($"{bot}/task")
            .FirstOrDefault(t => File.Exists(Path.Combine(t, "comm")) && File.ReadAllText(Path.Combine(t, "comm")).Trim() == "spebot-writer");
    }
}

/// <summary>The CPU counters at one moment, so a scenario's cost per request is the difference of two.</summary>
internal sealed record CpuSnapshot(TimeSpan?[] Writers, TimeSpan?[] Bots, TimeSpan? Postgres, TimeSpan? Idle, TimeSpan Generator)
{
    public static CpuSnapshot Take() => new(
        [.. Enumerable.Range(0, BotCpu.Processes).Select(BotCpu.ReadWriter)],
        [.. Enumerable.Range(0, BotCpu.Processes).Select(BotCpu.ReadBot)],
        BotCpu.ReadPostgres(), BotCpu.ReadIdle(), System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime);

    /// <summary>
    /// "writer W bot B pg P gen G idle I%" in µs per request (idle as a share of one core), with one "botN" (and "writerN")
    /// per process when there are several, each divided by all the requests of the run, and "pg" the PostgreSQL server's
    /// processes; null where /proc is not.
    /// </summary>
    public string? PerRequest(CpuSnapshot after, long requests, int seconds)
    {
        if (requests == 0 || Bots.Length == 0 || Idle is not { } i0 || after.Idle is not { } i1) return null;
        double Us(TimeSpan d) => d.TotalMicroseconds / requests;
        var text = new System.Text.StringBuilder();
        for (var p = 0; p < Bots.Length; p++)
        {
            var n = Bots.Length == 1 ? "" : (p + 1).ToString(CultureInfo.InvariantCulture);
            if (Writers[p] is { } w0 && after.Writers[p] is { } w1) text.Append(CultureInfo.InvariantCulture, $"writer{n} {Us(w1 - w0):0} ");
            if (Bots[p] is { } b0 && after.Bots[p] is { } b1) text.Append(CultureInfo.InvariantCulture, $"bot{n} {Us(b1 - b0):0} ");
        }
        if (Postgres is { } p0 && after.Postgres is { } p1) text.Append(CultureInfo.InvariantCulture, $"pg {Us(p1 - p0):0} ");
        return text.Append(CultureInfo.InvariantCulture, $"gen {Us(after.Generator - Generator):0} idle {(i1 - i0).TotalSeconds / seconds:P0}").ToString();
    }
}

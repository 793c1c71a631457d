using System.Globalization;

/// <summary>
/// CPU time of the bot and of its writer thread (Linux /proc), when run.sh passes the bot's pid: every write waits for
/// that one thread, so its cost per request bounds propose and vote, and it is far steadier than requests/s on a
/// shared machine.
/// </summary>
internal static class BotCpu
{
    private static readonly string? Task = Find();

    private static readonly string? Bot = Environment.GetEnvironmentVariable("BENCH_BOT_PID") is { Length: > 0 } p ? $"/proc/{p}" : null;

    public static TimeSpan? Read() => Task is null ? null : Ticks(Task);

    /// <summary>The whole bot process.</summary>
    public static TimeSpan? ReadBot() => Bot is null ? null : Ticks(Bot);

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

    /// <summary>CPU per thread name of the bot (BENCH_THREADS=1), to see where a request's time goes.</summary>
    public static Dictionary<string, TimeSpan> ReadThreads()
    {
        var byName = new Dictionary<string, TimeSpan>();
        if (Bot is null) return byName;
        foreach (var t in Directory.EnumerateDirectories(Path.Combine(Bot, "task")))
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
        return byName;
    }

    private static TimeSpan? Ticks(string task)
    {
        try
        {
            // Fields after the command name: state is field 3, utime and stime are fields 14 and 15, in clock ticks.
            var stat = File.ReadAllText(Path.Combine(task, "stat"));
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return TimeSpan.FromSeconds(ticks / 100.0);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string? Find()
    {
        var pid = Environment.GetEnvironmentVariable("BENCH_BOT_PID");
        if (string.IsNullOrEmpty(pid) || !Directory.Exists($"/proc/{pid}/task")) return null;
        return Directory.EnumerateDirectories($"/proc/{pid}/task")
            .FirstOrDefault(t => File.Exists(Path.Combine(t, "comm")) && File.ReadAllText(Path.Combine(t, "comm")).Trim() == "spebot-writer");
    }
}

/// <summary>The CPU counters at one moment, so a scenario's cost per request is the difference of two.</summary>
internal sealed record CpuSnapshot(TimeSpan? Writer, TimeSpan? Bot, TimeSpan? Idle, TimeSpan Generator)
{
    public static CpuSnapshot Take() =>
        new(BotCpu.Read(), BotCpu.ReadBot(), BotCpu.ReadIdle(), System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime);

    /// <summary>"writer W bot B gen G idle I%" in µs per request (idle as a share of one core); null where /proc is not.</summary>
    public string? PerRequest(CpuSnapshot after, long requests, int seconds)
    {
        if (requests == 0 || Bot is not { } b0 || after.Bot is not { } b1 || Idle is not { } i0 || after.Idle is not { } i1) return null;
        double Us(TimeSpan d) => d.TotalMicroseconds / requests;
        var writer = Writer is { } w0 && after.Writer is { } w1 ? Us(w1 - w0) : 0;
        return string.Create(CultureInfo.InvariantCulture,
            $"writer {writer:0} bot {Us(b1 - b0):0} gen {Us(after.Generator - Generator):0} idle {(i1 - i0).TotalSeconds / seconds:P0}");
    }
}

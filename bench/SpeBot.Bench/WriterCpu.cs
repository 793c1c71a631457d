/// <summary>
/// CPU time of the bot's writer thread (Linux /proc), when run.sh passes the bot's pid: every write waits for that one
/// thread, so its cost per request is what bounds propose and vote, and it is far steadier than requests/s on a
/// shared machine.
/// </summary>
internal static class WriterCpu
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
            return TimeSpan.FromSeconds(long.Parse(cpu[4], System.Globalization.CultureInfo.InvariantCulture) / 100.0);
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
            var ticks = long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
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

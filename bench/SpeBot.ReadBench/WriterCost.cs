using System.Diagnostics;
using SpeBot.Core;
using SpeBot.Core.Items;
using SpeBot.Core.Storage;
using SpeBot.Core.Workspaces;

namespace SpeBot.ReadBench;

/// <summary>
/// The SQLite writer's CPU per durable proposal, in process: <c>concurrency</c> callers submit proposals through
/// <see cref="Proposals"/> (the path every capture ends in) for a while, beside the host's once-a-second settling pass, and the writer thread's CPU time (Linux /proc)
/// is divided by the proposals committed. No HTTP and no load generator share the cores, so the figure is much steadier
/// than requests per second and shows what a schema or statement change costs the one thread every write waits for.
/// </summary>
internal static class WriterCost
{
    public static async Task<int> RunAsync(string path, int seconds, int concurrency)
    {
        await using var app = SpeBotServices.Build(path, "FULL");
        await app.Services.GetRequiredService<Migrator>().MigrateAsync();
        var ws = await app.Services.GetRequiredService<WorkspaceStore>().EnsureAsync(Platform.Slack, SpeBotServices.Team);
        var proposals = app.Services.GetRequiredService<Proposals>();
        // The host's ItemSettler, as it runs beside the proposals: its bulk passes are part of what a proposal costs the writer.
        var settling = app.Services.GetRequiredService<ItemSettling>();
        using var stop = new CancellationTokenSource();
        var settler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (await settling.SettleAsync() < ItemSettling.MaxBatch) await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
            }
        });
        long seq = 0;
        async Task<long> Drive(TimeSpan length)
        {
            var until = Stopwatch.GetTimestamp() + (long)(length.TotalSeconds * Stopwatch.Frequency);
            long done = 0;
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
            {
                while (Stopwatch.GetTimestamp() < until)
                {
                    var n = Interlocked.Increment(ref seq);
                    var (item, channel) = SpeBotServices.Proposal(ws.Id, n);
                    await proposals.SubmitAsync(Platform.Slack, item, channel, CancellationToken.None);
                    Interlocked.Increment(ref done);
                }
            })));
            return done;
        }
        Console.WriteLine($"warming up {seconds} s ...");
        await Drive(TimeSpan.FromSeconds(seconds));
        for (var round = 1; round <= 3; round++)
        {
            var writer0 = WriterTicks();
            var started = Stopwatch.GetTimestamp();
            var done = await Drive(TimeSpan.FromSeconds(seconds));
            var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var writerUs = (WriterTicks() - writer0) * 1e6 / 100 / done;   // clock ticks are 1/100 s on Linux
            Console.WriteLine($"round {round}: {done / elapsed:0} proposals/s, writer {writerUs:0.0} µs CPU per proposal, {concurrency} callers");
        }
        await stop.CancelAsync();
        await settler;
        return 0;
    }

    /// <summary>utime + stime of the thread named spebot-writer, in clock ticks.</summary>
    private static long WriterTicks()
    {
        foreach (var task in Directory.GetDirectories("/proc/self/task"))
        {
            if (File.ReadAllText(Path.Combine(task, "comm")).Trim() != "spebot-writer") continue;
            var stat = File.ReadAllText(Path.Combine(task, "stat"));
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
        }
        throw new InvalidOperationException("no spebot-writer thread: the database is not SQLite or has not written yet");
    }
}

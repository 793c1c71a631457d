using System.Diagnostics;
using System.Globalization;
using SpeBot.Core;
using SpeBot.Core.Items;
using SpeBot.Core.Storage;
using SpeBot.Core.Workspaces;

namespace SpeBot.ReadBench;

/// <summary>
/// The SQLite writer's CPU per item, in process, split by what it does: a batch of proposals with no pass running, then
/// the settle passes over them, then the people pass. The writer thread's own run time (Linux schedstat, nanoseconds)
/// is read around each step, so the steps do not blur into each other as they do beside a running settler
/// (<see cref="WriterCost"/>), and one cycle is enough to compare two builds of a pass.
/// </summary>
internal static class PassCost
{
    public static async Task<int> RunAsync(string path, int batch, int cycles, int initial)
    {
        await using var app = SpeBotServices.Build(path, "FULL");
        await app.Services.GetRequiredService<Migrator>().MigrateAsync();
        var ws = await app.Services.GetRequiredService<WorkspaceStore>().EnsureAsync(Platform.Slack, SpeBotServices.Team);
        var proposals = app.Services.GetRequiredService<Proposals>();
        var settling = app.Services.GetRequiredService<ItemSettling>();
        long seq = 0;
        async Task SubmitAsync(int count)
        {
            long left = count;
            await Task.WhenAll(Enumerable.Range(0, 256).Select(_ => Task.Run(async () =>
            {
                while (Interlocked.Decrement(ref left) >= 0)
                {
                    var n = Interlocked.Increment(ref seq);
                    var (item, channel) = SpeBotServices.Proposal(ws.Id, n);
                    await proposals.SubmitAsync(Platform.Slack, item, channel, CancellationToken.None);
                }
            })));
        }

        // Settled tables of some size first: an insert into an empty table costs less than one into a grown one.
        for (var done = 0; done < initial; done += batch)
        {
            await SubmitAsync(batch);
            await settling.SettleAllAsync();
            Console.WriteLine($"filled {seq:N0} of {initial:N0} items");
        }
        var totals = new double[3];
        for (var cycle = 1; cycle <= cycles; cycle++)
        {
            var t0 = WriterNanoseconds();
            await SubmitAsync(batch);
            var t1 = WriterNanoseconds();
            while (await settling.SettleNewAsync() > 0) { }
            var t2 = WriterNanoseconds();
            while (await settling.ListUnderAuthorsAsync() > 0) { }
            var t3 = WriterNanoseconds();
            double[] us = [(t1 - t0) / 1e3 / batch, (t2 - t1) / 1e3 / batch, (t3 - t2) / 1e3 / batch];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"cycle {cycle}: proposal {us[0]:0.00} µs, settle pass {us[1]:0.00} µs per item, people pass {us[2]:0.00} µs per item"));
            // The first cycle warms the JIT and the page cache up.
            if (cycle > 1) for (var i = 0; i < 3; i++) totals[i] += us[i] / (cycles - 1);
        }
        if (cycles > 1)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"mean of cycles 2–{cycles}: proposal {totals[0]:0.00} µs, settle pass {totals[1]:0.00}, people pass {totals[2]:0.00} µs per item ({batch:N0} items a cycle)"));
        return 0;
    }

    /// <summary>The first field of the writer thread's schedstat: the nanoseconds it has run on a CPU.</summary>
    private static long WriterNanoseconds()
    {
        foreach (var task in Directory.GetDirectories("/proc/self/task"))
        {
            if (File.ReadAllText(Path.Combine(task, "comm")).Trim() != "spebot-writer") continue;
            return long.Parse(File.ReadAllText(Path.Combine(task, "schedstat")).Split(' ')[0], CultureInfo.InvariantCulture);
        }
        throw new InvalidOperationException("no spebot-writer thread: the database is not SQLite or has not written yet");
    }
}

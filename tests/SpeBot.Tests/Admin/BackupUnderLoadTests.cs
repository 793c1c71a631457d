using SpeBot.Tests.Support;

namespace SpeBot.Tests.Admin;

/// <summary>
/// <c>dotnet SpeBot.Host.dll backup &lt;file&gt;</c>, run as its own process while the bot takes proposals as fast as
/// it can, writes a consistent copy: it opens, passes PRAGMA integrity_check, and holds every proposal acked before the
/// backup started.
/// </summary>
public sealed class BackupUnderLoadTests : SlackHost
{
    [Fact]
    public async Task BackupTakenUnderWriteLoadOpensAndPassesTheIntegrityCheck()
    {
        using var dir = new TempFolder();
        using var stop = new CancellationTokenSource();
        var acked = 0;
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var response = await Client.SendAsync(SignedSlackRequest.Command($"propose Load {w}-{i}", user: $"U{w}"));
                response.EnsureSuccessStatusCode();
                Interlocked.Increment(ref acked);
            }
        })).ToList();
        await SpeBotFactory.WaitUntilAsync(() => Volatile.Read(ref acked) >= 20, what: "writes under way");
        var ackedBefore = Volatile.Read(ref acked);

        var run = await HostProcess.RunAsync(dir.Path, new Dictionary<string, string>
        {
            ["Storage__Path"] = Factory.DatabasePath,
        }, ["backup", dir.File("backup.db")]);
        var ackedDuring = Volatile.Read(ref acked) - ackedBefore;
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("integrity ok", run.Stdout, StringComparison.Ordinal);
        Assert.True(ackedDuring > 0, "the bot kept writing while the backup ran");
        var copy = AdminCommandLineTests.Copy(dir.File("backup.db"));
        Assert.Equal("ok", copy.Query<string>("PRAGMA integrity_check"));
        var items = copy.Query<long>("SELECT COUNT(*) FROM items");
        Assert.InRange(items, ackedBefore, Query<long>("SELECT COUNT(*) FROM items").Single());
        // Consistent: every item's card row was written in the item's own transaction, so the copy has both or neither.
        Assert.Equal(0, copy.Query<long>("SELECT COUNT(*) FROM items i WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.dedupe_key LIKE 'item_card:' || i.id || ':%')"));
    }
}

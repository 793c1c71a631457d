using Dapper;
using SpeBot.Core.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using SpeBot.Core;
using SpeBot.Core.Discovery;
using SpeBot.Core.Text;
using SpeBot.Tests.Support;
using Opts = Microsoft.Extensions.Options.Options;

namespace SpeBot.Tests.Discovery;

/// <summary>
/// The watcher's decisions with a probe double. TLS 1.0/1.1 acceptance cannot be shown with a real server here: this
/// machine's OpenSSL (3.0, default security level) refuses those versions on both ends, so the real-probe tests
/// (TlsWatchTests) cover expiry, versions 1.2/1.3 and refused connections, and this covers what a legacy answer means.
/// </summary>
public sealed class WatcherDecisionTests : IDisposable
{
    private TestDatabase _t = null!;
    private readonly ProbeDouble _probe = new();
    private Watcher _watcher = null!;
    private WatchStore _store = null!;
    private MutedSources _muted = null!;

    private void Use(StorageProvider provider)
    {
        _t = new TestDatabase(provider);
        _store = new WatchStore(_t.Db, _t.Clock);
        _muted = new MutedSources(_t.Db, _t.Clock);
        var discoveries = new Discoveries(_t.Db, _t.Proposals, _t.Items, _t.Cards, _t.Signal, _t.Clock);
        _watcher = new Watcher(_t.Db, _store, _probe, discoveries, _t.Workspaces, new MessageCatalog(), _t.Signal,
            Opts.Create(new WatchOptions { CertDays = 30, When = "daily 06:00", TimeZone = "UTC" }), _t.Clock, NullLogger<Watcher>.Instance);
    }

    public void Dispose() => _t?.Dispose();

    private sealed class ProbeDouble : ITlsProbe
    {
        public Dictionary<string, TlsProbeResult> Results { get; } = [];
        public int Calls;

        public Task<TlsProbeResult> ProbeAsync(string host, int port, CancellationToken ct = default)
        {
            Interlocked.Increment(ref Calls);
            return Task.FromResult(Results[host]);
        }
    }

    private async Task<long> WatchAsync(params string[] hosts)
    {
        var ws = await _t.Workspaces.EnsureAsync(Platform.Slack, "T1");
        foreach (var h in hosts) await _store.AddAsync(ws.Id, "C1", h, 443, "U1");
        return ws.Id;
    }

    private Task<List<(string Title, string FoundBy, string Detail)>> ItemsAsync() =>
        _t.Db.ReadAsync(async c => (await c.QueryAsync<(string, string, string)>("SELECT title, found_by, detail FROM items ORDER BY id")).ToList());

    [Theory]
    [Providers]
    public async Task LegacyTlsIsProposedOnceAndModernOnlyIsNot(StorageProvider provider)
    {
        Use(provider);
        await WatchAsync("old.example", "new.example");
        var far = _t.Clock.GetUtcNow().AddDays(300);
        _probe.Results["old.example"] = new TlsProbeResult(far, ["1.2", "1.1", "1.0"], null);
        _probe.Results["new.example"] = new TlsProbeResult(far, ["1.3", "1.2"], null);

        Assert.Equal(2, await _watcher.RunDueAsync(default));
        _t.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(2, await _watcher.RunDueAsync(default));

        var item = Assert.Single(await ItemsAsync());
        Assert.Equal(("Update HTTPS algorithms on old.example", "tls"), (item.Title, item.FoundBy));
        Assert.Contains("TLS 1.2, TLS 1.1, TLS 1.0", item.Detail);
    }

    [Theory]
    [Providers]
    public async Task OnePeriodIsCheckedOnceAndTheNextPeriodAgain(StorageProvider provider)
    {
        Use(provider);
        await WatchAsync("a.example");
        _probe.Results["a.example"] = new TlsProbeResult(_t.Clock.GetUtcNow().AddDays(100), ["1.3"], null);
        // 09:00 UTC: the period is today's 06:00.
        Assert.Equal(1, await _watcher.RunDueAsync(default));
        _t.Clock.Advance(TimeSpan.FromHours(20));
        Assert.Equal(0, await _watcher.RunDueAsync(default));
        _t.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, await _watcher.RunDueAsync(default));
        Assert.Equal(2, _probe.Calls);
    }

    [Theory]
    [Providers]
    public async Task ExpiryBelowCertDaysIsProposedAndARenewedCertificateIsANewFinding(StorageProvider provider)
    {
        Use(provider);
        await WatchAsync("pay.example");
        var now = _t.Clock.GetUtcNow();
        _probe.Results["pay.example"] = new TlsProbeResult(now.AddDays(31), ["1.3"], null);
        await _watcher.RunDueAsync(default);
        Assert.Empty(await ItemsAsync());

        _t.Clock.Advance(TimeSpan.FromDays(2));
        await _watcher.RunDueAsync(default);
        _t.Clock.Advance(TimeSpan.FromDays(1));
        await _watcher.RunDueAsync(default);
        Assert.Equal(["Renew the certificate of pay.example (expires in 29 days)"], (await ItemsAsync()).Select(i => i.Title));

        // Renewed, and a year later the new certificate nears its end: a new finding.
        _probe.Results["pay.example"] = new TlsProbeResult(now.AddDays(380), ["1.3"], null);
        _t.Clock.Advance(TimeSpan.FromDays(360));
        await _watcher.RunDueAsync(default);
        Assert.Equal(2, (await ItemsAsync()).Count);
    }

    [Theory]
    [Providers]
    public async Task AnExpiredCertificateSaysSo(StorageProvider provider)
    {
        Use(provider);
        await WatchAsync("late.example");
        _probe.Results["late.example"] = new TlsProbeResult(_t.Clock.GetUtcNow().AddDays(-3).AddHours(-1), ["1.2"], null);
        await _watcher.RunDueAsync(default);
        Assert.Equal("Renew the certificate of late.example (expired 3 days ago)", Assert.Single(await ItemsAsync()).Title);
    }

    [Theory]
    [Providers]
    public async Task AConnectionFailureIsRecordedNotProposed(StorageProvider provider)
    {
        Use(provider);
        await WatchAsync("down.example");
        _probe.Results["down.example"] = new TlsProbeResult(null, [], "connection failed (ConnectionRefused)");
        Assert.Equal(1, await _watcher.RunDueAsync(default));
        Assert.Empty(await ItemsAsync());
        var e = Assert.Single(await _store.ListAsync(1));
        Assert.Equal("connection failed (ConnectionRefused)", e.Error);
    }

    [Theory]
    [Providers]
    public async Task AMutedSourceProposesNothingButTheResultIsStillRecorded(StorageProvider provider)
    {
        Use(provider);
        var ws = await WatchAsync("old.example");
        await _muted.MuteAsync(ws, Sources.Tls, "U1");
        _probe.Results["old.example"] = new TlsProbeResult(_t.Clock.GetUtcNow().AddDays(300), ["1.0"], null);
        await _watcher.RunDueAsync(default);
        Assert.Empty(await ItemsAsync());
        Assert.Equal("1.0", Assert.Single(await _store.ListAsync(ws)).TlsVersions);
    }
}

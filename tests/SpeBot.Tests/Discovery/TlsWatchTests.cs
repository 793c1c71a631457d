using SpeBot.Core.Discovery;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Discovery;

/// <summary>The watch through the running host and the real network probe, against TLS servers started here.</summary>
public sealed class TlsWatchTests : SlackHost
{
    public sealed class Row
    {
        public string Title { get; init; } = "";
        public string Category { get; init; } = "";
        public string? FoundBy { get; init; }
        public string? SourcePermalink { get; init; }
        public string AuthorId { get; init; } = "";
    }

    [Fact]
    public async Task ExpiringCertificateIsProposedOnceHealthyIsNotAndARefusedConnectionIsOnlyListed()
    {
        await using var expiring = LoopbackTlsServer.Start(DateTimeOffset.UtcNow.AddDays(10));
        await using var healthy = LoopbackTlsServer.Start(DateTimeOffset.UtcNow.AddDays(200));
        var closed = LoopbackTlsServer.ClosedPort();
        await CommandAsync("maintainers add <@U111>");
        Assert.Contains("Watching 127.0.0.1:", TextOf(await CommandAsync($"watch https://127.0.0.1:{expiring.Port}")));
        await CommandAsync($"watch https://127.0.0.1:{healthy.Port}");
        await CommandAsync($"watch https://127.0.0.1:{closed}");
        Assert.Contains("not checked yet", TextOf(await CommandAsync("watches")));

        var watcher = Factory.Get<Watcher>();
        await watcher.RunDueAsync(default);

        var item = Assert.Single(Query<Row>("SELECT * FROM items WHERE found_by = 'certs'"));
        Assert.Equal($"Renew the certificate of 127.0.0.1:{expiring.Port} (expires in 10 days)", item.Title);
        Assert.Equal(("security", "U111", $"https://127.0.0.1:{expiring.Port}/"), (item.Category, item.AuthorId, item.SourcePermalink));
        await SpeBotFactory.WaitUntilAsync(() => Slack.CallsTo("chat.postMessage").Any(c => c.Text.Contains("Renew the certificate", StringComparison.Ordinal)),
            what: "renewal card");

        var list = TextOf(await CommandAsync("watches"));
        Assert.Contains($"127.0.0.1:{healthy.Port}: certificate expires {healthy.NotAfter.UtcDateTime:yyyy-MM-dd}", list);
        Assert.Contains("TLS 1.3, TLS 1.2", list);
        Assert.Contains($"127.0.0.1:{closed}: connection failed", list);
        Assert.Contains("ConnectionRefused", list);

        // The same period is not checked twice; the next day's run checks again and proposes nothing new.
        var handshakes = expiring.Handshakes;
        Assert.Equal(0, await watcher.RunDueAsync(default));
        Assert.Equal(handshakes, expiring.Handshakes);
        Query<long>("UPDATE watch_endpoints SET last_period = '2000-01-01T00:00:00.000Z' RETURNING id");
        Assert.Equal(3, await watcher.RunDueAsync(default));
        Assert.True(expiring.Handshakes > handshakes);
        Assert.Single(Query<Row>("SELECT * FROM items WHERE found_by = 'certs'"));
        Assert.Empty(Query<Row>("SELECT * FROM items WHERE title LIKE '%' || @port || '%' AND found_by = 'certs'", new { port = healthy.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) }));
    }

    [Fact]
    public async Task WatchIsForMaintainersAndTakesOnlyAnHttpsEndpoint()
    {
        await CommandAsync("maintainers add <@U111>");
        Assert.Contains("Only maintainers", TextOf(await CommandAsync("watch https://example.com", user: "U222")));
        Assert.Contains("/spe watch https://host[:port]", TextOf(await CommandAsync("watch http://example.com")));
        Assert.Contains("/spe watch https://host[:port]", TextOf(await CommandAsync("watch https://example.com/path")));
        Assert.Contains("Watching example.com", TextOf(await CommandAsync("watch <https://example.com>")));
        Assert.Contains("already watched", TextOf(await CommandAsync("watch https://example.com:443")));
        Assert.Contains("Stopped watching example.com", TextOf(await CommandAsync("unwatch https://example.com")));
        Assert.Contains("No endpoint is watched", TextOf(await CommandAsync("watches")));
    }
}

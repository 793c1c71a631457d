using System.Globalization;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SpeBot.Core.Items;
using SpeBot.Core.Outbox;
using SpeBot.Core.Schedules;
using SpeBot.Core.Storage;
using SpeBot.Core.Text;
using SpeBot.Core.Workspaces;

namespace SpeBot.Core.Discovery;

/// <summary>
/// The TLS and certificate watch: once per period (the latest Watch:When occurrence), each endpoint is probed, and its
/// result, the period claim and any proposals are written in one transaction. A certificate expiring within
/// Watch:CertDays and an endpoint accepting TLS 1.0 or 1.1 are proposed once each; failures are only recorded.
/// </summary>
public sealed partial class Watcher(Database db, WatchStore store, ITlsProbe probe, Discoveries discoveries, WorkspaceStore workspaces,
                                    MessageCatalog catalog, OutboxSignal signal, IOptions<WatchOptions> options, TimeProvider clock,
                                    ILogger<Watcher> log)
{
    /// <summary>The period a check at <paramref name="now"/> belongs to: the latest nominal occurrence, never the fire time.</summary>
    public string PeriodOf(DateTimeOffset now)
    {
        var o = options.Value;
        When.TryParse(o.When, out var cron);
        var at = cron.Latest(now, When.Zone(o.TimeZone)!) ?? now.AddDays(-1);
        return Iso.Of(at);
    }

    /// <summary>Checks every endpoint not yet checked this period; returns how many it checked.</summary>
    public async Task<int> RunDueAsync(CancellationToken ct)
    {
        var period = PeriodOf(clock.GetUtcNow());
        var checkedCount = 0;
        foreach (var endpoint in await store.DueAsync(period, ct))
        {
            var result = await probe.ProbeAsync(endpoint.Host, endpoint.Port, ct);
            if (await RecordAsync(endpoint, period, result, ct)) checkedCount++;
        }
        return checkedCount;
    }

    private async Task<bool> RecordAsync(WatchEndpoint e, string period, TlsProbeResult result, CancellationToken ct)
    {
        var workspace = await workspaces.GetAsync(e.WorkspaceId, ct);
        if (workspace is null) return false;
        var platform = PlatformNames.Parse(workspace.Platform);
        var locale = workspaces.ChannelLocale(workspace);
        var now = clock.GetUtcNow();
        var proposed = await db.WriteAsync(async (c, tx) =>
        {
            // The claim: another instance (or a second tick) that checked it this period already wrote its result.
            var claimed = await c.ExecuteAsync(new CommandDefinition("""
                UPDATE watch_endpoints SET last_period = @period, checked_at = @now, not_after = @notAfter, tls_versions = @versions, error = @Error
                WHERE id = @Id AND (last_period IS NULL OR last_period < @period)
                """, new
            {
                period, now = Iso.Of(now), notAfter = result.NotAfter is { } na ? Iso.Of(na) : null,
                versions = result.Error is null ? string.Join(',', result.Versions) : null, result.Error, e.Id,
            }, tx, cancellationToken: ct));
            if (claimed == 0 || result.Error is not null) return 0;

            var count = 0;
            if (result.NotAfter is { } notAfter && notAfter - now < TimeSpan.FromDays(options.Value.CertDays))
            {
                // Whole days, rounded up while it is valid (9.9 days left reads "in 10 days"), and down once expired.
                var left = (notAfter - now).TotalDays;
                var expired = left < 0;
                var days = expired ? (int)Math.Floor(-left) : (int)Math.Ceiling(left);
                var title = catalog.Format(locale, new Message(expired ? "discovery.cert.title_expired" : "discovery.cert.title",
                    new() { ["host"] = e.Name, ["days"] = days }), PlainText.Instance);
                var detail = catalog.Format(locale, new Message("discovery.cert.detail",
                    new() { ["host"] = e.Name, ["date"] = notAfter.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) }), PlainText.Instance);
                // Keyed by the expiry: the renewed certificate has a new one, so its next expiry is a new finding.
                var key = $"tls:cert:{e.Host}:{e.Port}:{Iso.Of(notAfter)}";
                count += await ProposeAsync(c, tx, platform, e, title, detail, new Finding(Sources.Certs, key, Url(e)), ct);
            }
            if (result.AcceptsLegacy)
            {
                var title = catalog.Format(locale, new Message("discovery.tls.title", new() { ["host"] = e.Name }), PlainText.Instance);
                var detail = catalog.Format(locale, new Message("discovery.tls.detail",
                    new() { ["host"] = e.Name, ["versions"] = string.Join(", ", result.Versions.Select(v => "TLS " + v)) }), PlainText.Instance);
                count += await ProposeAsync(c, tx, platform, e, title, detail, new Finding(Sources.Tls, $"tls:legacy:{e.Host}:{e.Port}", Url(e)), ct);
            }
            return count;
        }, ct);
        if (proposed > 0) signal.Notify();
        LogChecked(e.Name, result.Error ?? "ok", proposed);
        return true;
    }

    private async Task<int> ProposeAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction tx, Platform platform, WatchEndpoint e,
                                         string title, string detail, Finding finding, CancellationToken ct)
    {
        var item = new NewItem(e.WorkspaceId, title, platform.Wire(), e.AddedBy, "security",
            Detail: detail, ChannelId: e.ChannelId);
        var (outcome, _) = await discoveries.ProposeAsync(c, tx, platform, item, finding, e.ChannelId, ct);
        return outcome == DiscoveryOutcome.Proposed ? 1 : 0;
    }

    private static string Url(WatchEndpoint e) => e.Port == 443 ? $"https://{e.Host}/" : $"https://{e.Host}:{e.Port}/";

    [LoggerMessage(Level = LogLevel.Information, Message = "Watched {Endpoint}: {Result}, {Proposed} proposed")]
    private partial void LogChecked(string endpoint, string result, int proposed);
}

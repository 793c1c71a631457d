using System.Text.RegularExpressions;
using SpeBot.Core;
using SpeBot.Core.Schedules;
using SpeBot.Core.Workspaces;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Telemetry;

/// <summary>/metrics serves Prometheus text in which each of SpeBot's metrics appears once its action happened.</summary>
public sealed class MetricsTests : SlackHost
{
    [Fact]
    public async Task ProposalVoteAndRequestMetricsAppearAfterAProposalAndAVote()
    {
        var (_, cardTs) = await ProposeAsync("Tune the cache");
        (await SendAsync(SignedSlackRequest.Reaction("EvMetrics1", "U222", "+1", "C100", cardTs))).EnsureSuccessStatusCode();
        await SpeBotFactory.WaitUntilAsync(() => Query<long>("SELECT COUNT(*) FROM votes").Single() == 1, what: "vote");

        var metrics = await ScrapeAsync(
            Sample("spebot_proposals_total", "spebot_platform=\"slack\""),
            Sample("spebot_votes_total", "spebot_vote_change=\"added\""),
            Sample("spebot_requests_total", "http_response_status_code=\"200\""),
            Sample("spebot_ack_duration_seconds_bucket", "spebot_platform=\"slack\""),
            Sample("spebot_outbox_sent_total", ""),
            Sample("spebot_db_commits_total", ""),
            Sample("spebot_outbox_backlog", "", atLeast: 0),
            Sample("spebot_outbox_dead_rows", "", atLeast: 0),
            Sample("spebot_outbox_oldest_age_seconds", "", atLeast: 0));

        Assert.Contains("# TYPE spebot_ack_duration_seconds histogram", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestDurationsAreExportedWithoutPerRequestCountersNobodyReads()
    {
        await CommandAsync("help");

        var metrics = await ScrapeAsync(Sample("http_server_request_duration_seconds_count", "http_route=\"/slack/events\""));

        // Routing's match attempts and the in-flight up-down counters cost measurements on every request.
        Assert.DoesNotContain("aspnetcore_routing_match_attempts", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("http_server_active_requests", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeadLetterApiErrorAndRateLimitMetricsAppearAfterSlackRefuses()
    {
        Slack.Script("chat.postMessage", SlackAnswer.RateLimited(1), SlackAnswer.Error("channel_not_found"));
        await CommandAsync("propose Rotate the TLS keys");
        await SpeBotFactory.WaitUntilAsync(() => Query<long>("SELECT COUNT(*) FROM outbox WHERE status = 'dead'").Single() == 1,
            what: "dead letter", timeoutMs: 20_000);

        await ScrapeAsync(
            Sample("spebot_outbox_dead_total", ""),
            Sample("spebot_platform_api_errors_total", "error_type=\"channel_not_found\""),
            Sample("spebot_platform_rate_limited_total", "spebot_api_method=\"chat.postMessage\""),
            Sample("spebot_outbox_dead_rows", "", atLeast: 1));
    }

    [Fact]
    public async Task ScheduleFireAndMissMetricsAppearAfterAFireAndAMadeUpPeriod()
    {
        var workspace = await Factory.Get<WorkspaceStore>().EnsureAsync(Platform.Slack, "T1");
        Assert.True(When.TryParse("daily 09:00", out var daily));
        var store = Factory.Get<ScheduleStore>();
        var fired = await store.AddAsync(workspace.Id, ScheduleKinds.Digest, "C100", daily, "UTC", "U111");
        // Created a week ago, so today's period is due and unclaimed.
        Factory.Query<int>("UPDATE schedules SET created_at = '2000-01-01T00:00:00.000Z' RETURNING 1");

        Assert.Equal(RunOutcome.Posted, await Factory.Get<ScheduleRunner>().RunAsync(fired, CancellationToken.None));
        await store.AddAsync(workspace.Id, ScheduleKinds.Digest, "C101", daily, "UTC", "U111");
        Factory.Query<int>("UPDATE schedules SET created_at = '2000-01-01T00:00:00.000Z' RETURNING 1");
        Assert.Equal(1, await Factory.Get<ScheduleRunner>().CatchUpAsync(CancellationToken.None));

        await ScrapeAsync(
            Sample("spebot_schedule_fires_total", "spebot_schedule_kind=\"digest\""),
            Sample("spebot_schedule_misses_total", "spebot_schedule_kind=\"digest\""));
    }

    private sealed record Expected(string Name, string Label, double AtLeast);

    private static Expected Sample(string name, string label, double atLeast = double.Epsilon) => new(name, label, atLeast);

    /// <summary>Scrapes until every expected sample is there with a value of at least its minimum (the exporter caches 300 ms).</summary>
    private async Task<string> ScrapeAsync(params Expected[] expected)
    {
        var text = "";
        var missing = expected.ToList();
        var until = DateTime.UtcNow.AddSeconds(10);
        while (missing.Count > 0 && DateTime.UtcNow < until)
        {
            var response = await Client.GetAsync("/metrics");
            response.EnsureSuccessStatusCode();
            Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
            text = await response.Content.ReadAsStringAsync();
            missing = expected.Where(e => !Has(text, e)).ToList();
            if (missing.Count > 0) await Task.Delay(100);
        }
        Assert.True(missing.Count == 0, $"/metrics lacks {string.Join(", ", missing.Select(m => m.Name + "{" + m.Label + "}"))}:\n{text}");
        return text;
    }

    private static bool Has(string text, Expected e) =>
        Regex.Matches(text, $@"^{Regex.Escape(e.Name)}(\{{[^}}]*\}})? (?<value>[0-9.eE+\-]+)", RegexOptions.Multiline)
            .Any(m => m.Value.Contains(e.Label, StringComparison.Ordinal)
                      && double.Parse(m.Groups["value"].Value, System.Globalization.CultureInfo.InvariantCulture) >= e.AtLeast);
}

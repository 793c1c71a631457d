using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SpeBot.Core;

/// <summary>
/// SpeBot's own spans and counters (OpenTelemetry names them "SpeBot"; the host exports both). Static, like every
/// ActivitySource: starting a span or adding to a counter costs nothing while no listener is attached.
/// Attributes carry ids, verbs, kinds and outcomes only, never what people typed and never a secret.
/// </summary>
public static class Telemetry
{
    public const string Name = "SpeBot";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    public static readonly Counter<long> Proposals = Meter.CreateCounter<long>("spebot.proposals", "{item}", "Items proposed");

    public static readonly Counter<long> Votes = Meter.CreateCounter<long>("spebot.votes", "{vote}", "Votes added (change=added) or withdrawn (change=removed)");

    public static readonly Counter<long> ScheduleFires = Meter.CreateCounter<long>("spebot.schedule.fires", "{fire}", "Schedule periods posted");

    public static readonly Counter<long> ScheduleMisses = Meter.CreateCounter<long>("spebot.schedule.misses", "{period}",
        "Schedule periods missed while the bot was down and made up at start-up");

    public static readonly Counter<long> Requests = Meter.CreateCounter<long>("spebot.requests", "{request}",
        "Platform requests answered (spebot.platform, http.response.status_code)");

    /// <summary>Time from a platform request's arrival to its answer; Slack gives up at 3 s and Teams invokes at 5 s.</summary>
    public static readonly Histogram<double> AckDuration = Meter.CreateHistogram("spebot.ack.duration", "s",
        "Time to answer a platform request", advice: new InstrumentAdvice<double>
        {
            HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 2.5, 3, 5],
        });

    public static readonly Counter<long> ApiErrors = Meter.CreateCounter<long>("spebot.platform.api.errors", "{call}",
        "Slack Web API or Teams Connector calls that failed (spebot.platform, spebot.api.method, error.type); 429s are counted apart");

    public static readonly Counter<long> RateLimited = Meter.CreateCounter<long>("spebot.platform.rate_limited", "{call}",
        "Slack Web API or Teams Connector calls answered 429");

    /// <summary>The attribute set every platform counter shares.</summary>
    public static KeyValuePair<string, object?> PlatformTag(Platform platform) => new("spebot.platform", platform.Wire());
}

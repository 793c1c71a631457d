using System.Diagnostics;
using SpeBot.Core;

namespace SpeBot.Host.Telemetry;

/// <summary>
/// Counts the platforms' requests and how long each took to answer (the ack Slack waits 3 s for), by platform and
/// status code. Other paths (probes, /metrics) are left to the ASP.NET Core instrumentation.
/// </summary>
internal sealed class PlatformRequestMetrics(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var platform = http.Request.Path.Value switch
        {
            "/slack/events" => "slack",
            "/api/messages" => "teams",
            _ => null,
        };
        if (platform is null)
        {
            await next(http);
            return;
        }
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(http);
        }
        finally
        {
            // The status code as one of the boxes made once below, not a new box per request: a bot answers thousands of
            // requests a second in bursts and every allocation there is a little more garbage collection.
            var status = http.Response.StatusCode;
            ReadOnlySpan<KeyValuePair<string, object?>> tags =
            [
                new("spebot.platform", platform),
                new("http.response.status_code", status is >= 100 and < 600 ? StatusCodes[status - 100] : status),
            ];
            SpeBot.Core.Telemetry.Requests.Add(1, tags);
            SpeBot.Core.Telemetry.AckDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
        }
    }

    private static readonly object[] StatusCodes = [.. Enumerable.Range(100, 500).Select(code => (object)code)];
}

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
            var tags = new TagList
            {
                { "spebot.platform", platform },
                { "http.response.status_code", http.Response.StatusCode },
            };
            SpeBot.Core.Telemetry.Requests.Add(1, tags);
            SpeBot.Core.Telemetry.AckDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
        }
    }
}

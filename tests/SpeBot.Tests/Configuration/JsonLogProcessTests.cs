using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Configuration;

/// <summary>
/// With Logging:Console:FormatterName=json (and IncludeScopes) the built host logs one JSON object per line, and a
/// request's lines carry the trace id of the request's trace (here the one its caller sent in traceparent).
/// </summary>
public sealed class JsonLogProcessTests
{
    [Fact]
    public async Task JsonConsoleLinesOfARequestCarryItsTraceId()
    {
        using var dir = new TempFolder();
        var port = FreePort();
        using var process = HostProcess.Start(dir.Path, new Dictionary<string, string>
        {
            ["Storage__Path"] = dir.File("spebot.db"),
            ["Urls"] = $"http://127.0.0.1:{port}",
            ["Slack__SigningSecret"] = "json-log-test-secret",
            ["Slack__BotToken"] = "xoxb-json-log-test",
            ["Slack__BotUserId"] = "UBOT",
            ["Logging__Console__FormatterName"] = "json",
            ["Logging__Console__FormatterOptions__IncludeScopes"] = "true",
        });
        var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await SpeBotFactory.WaitUntilAsync(() => lines.Any(l => l.Contains("Now listening on", StringComparison.Ordinal)) || process.HasExited,
                timeoutMs: 60_000, what: "the host to listen");
            Assert.False(process.HasExited, string.Join('\n', lines));
            var trace = System.Diagnostics.ActivityTraceId.CreateRandom().ToHexString();
            using var request = new HttpRequestMessage(HttpMethod.Post, "/slack/events") { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") };
            request.Headers.Add("traceparent", $"00-{trace}-{System.Diagnostics.ActivitySpanId.CreateRandom().ToHexString()}-01");

            var response = await http.SendAsync(request);
            bool Rejected(string l) => l.Contains(trace, StringComparison.Ordinal) && l.Contains("Slack request rejected", StringComparison.Ordinal);
            await SpeBotFactory.WaitUntilAsync(() => lines.Any(Rejected), what: "the request's warning");

            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            var line = lines.First(Rejected);
            var json = JsonNode.Parse(line)!;
            Assert.Equal("Warning", json["LogLevel"]!.GetValue<string>());
            Assert.Contains("Slack request rejected", json["Message"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Contains(json["Scopes"]!.AsArray(), s => s?["TraceId"]?.GetValue<string>() == trace);
            Assert.All(lines.Where(l => l.StartsWith('{')), l => JsonNode.Parse(l));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

using System.Globalization;
using System.Text.Json.Nodes;

/// <summary>Answers every Slack Web API call with ok:true (and a ts for posts), so the bot's outbox drains during the run.</summary>
internal sealed class FakeSlack : IAsyncDisposable
{
    private readonly WebApplication _app;
    private long _ts;

    private FakeSlack(WebApplication app) => _app = app;

    public static async Task<FakeSlack> StartAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeSlack(app);
        app.Map("/api/{method}", async (HttpContext http, string method) =>
        {
            var n = Interlocked.Increment(ref fake._ts);
            var channel = "";
            if (HttpMethods.IsPost(http.Request.Method) && http.Request.ContentLength > 0)
                channel = (await JsonNode.ParseAsync(http.Request.Body))?["channel"]?.GetValue<string>() ?? "";
            return Results.Json(new { ok = true, channel, ts = $"1800000000.{n.ToString("D6", CultureInfo.InvariantCulture)}", user_id = "UBOT" });
        });
        await app.StartAsync();
        return fake;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

using System.Net;
using System.Text.Json.Nodes;
using SpeBot.Core;
using SpeBot.Core.Workspaces;

namespace SpeBot.Host.Playground;

/// <summary>
/// <c>/playground</c>: the page, its state and change stream, and what a person does there. POSTs take JSON only, so
/// another site cannot submit them from a browser without a CORS preflight this app never grants.
/// </summary>
public static class PlaygroundEndpoints
{
    public sealed record CommandIn(string User, string? Channel, string Text);
    public sealed record ActionIn(string User, string? Channel, string? Ts, string? View, JsonObject Action);
    public sealed record ReactionIn(string User, string Channel, string Ts, string Name, bool Add);
    public sealed record SubmitIn(string User, string View, JsonObject Values);
    public sealed record UserIn(string User, string? View);

    public static WebApplication MapPlayground(this WebApplication app)
    {
        if (app.Services.GetService<PlaygroundSlack>() is null) return app;
        app.MapGet("/playground", (PlaygroundPage page, HttpContext http) => page.Render(http));
        var api = app.MapGroup("/playground/api");
        api.MapGet("/state", async (string user, PlaygroundSlack slack, WorkspaceStore ws, CancellationToken ct) =>
        {
            if (PlaygroundSlack.Person(user) is null) return Results.BadRequest(new { error = "unknown_user" });
            await EnsureWorkspaceAsync(ws, ct);
            return Results.Json(slack.State(user));
        });
        api.MapGet("/events", StreamAsync);
        api.MapPost("/command", async (CommandIn i, HttpContext http, PlaygroundRelay relay, PlaygroundSlack slack, WorkspaceStore ws, CancellationToken ct) =>
        {
            if (PlaygroundSlack.Person(i.User) is null || i.Text.Length is 0 or > 4000) return Results.BadRequest(new { error = "invalid_input" });
            var channel = ChannelFor(i.User, i.Channel);
            if (channel is null) return Results.BadRequest(new { error = "channel_not_found" });
            await EnsureWorkspaceAsync(ws, ct);
            var text = i.Text.Trim();
            if (text == "/spe" || text.StartsWith("/spe ", StringComparison.Ordinal))
                return Answer(await relay.CommandAsync(Self(http), i.User, channel, text.Length > 4 ? text[5..].Trim() : "", ct));
            // Anything else is a plain message in the conversation: people can react to it (a :bulb: captures it).
            var posted = slack.Post(channel, i.User, text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal), null);
            if (channel != PlaygroundSlack.Channel) return Answer(await relay.DirectMessageAsync(Self(http), i.User, posted, ct));
            return Results.Ok(new { status = 200 });
        });
        api.MapPost("/action", async (ActionIn i, HttpContext http, PlaygroundRelay relay, CancellationToken ct) =>
            PlaygroundSlack.Person(i.User) is null ? Results.BadRequest(new { error = "unknown_user" })
                : Answer(await relay.ActionAsync(Self(http), i.User, i.Channel is null ? null : ChannelFor(i.User, i.Channel), i.Ts, i.View, i.Action, ct)));
        api.MapPost("/reaction", async (ReactionIn i, HttpContext http, PlaygroundRelay relay, CancellationToken ct) =>
            PlaygroundSlack.Person(i.User) is null || ChannelFor(i.User, i.Channel) is null || i.Name.Length is 0 or > 100
                ? Results.BadRequest(new { error = "invalid_input" })
                : Answer(await relay.ReactionAsync(Self(http), i.User, i.Channel, i.Ts, i.Name, i.Add, ct)));
        api.MapPost("/submit", async (SubmitIn i, HttpContext http, PlaygroundRelay relay, CancellationToken ct) =>
            PlaygroundSlack.Person(i.User) is null ? Results.BadRequest(new { error = "unknown_user" })
                : Answer(await relay.SubmitAsync(Self(http), i.User, i.View, i.Values, ct)));
        api.MapPost("/close", (UserIn i, PlaygroundSlack slack) =>
        {
            if (i.View is not null && slack.View(i.View)?.User == i.User) slack.CloseView(i.View);
            return Results.Ok(new { status = 200 });
        });
        api.MapPost("/home", async (UserIn i, HttpContext http, PlaygroundRelay relay, CancellationToken ct) =>
            PlaygroundSlack.Person(i.User) is null ? Results.BadRequest(new { error = "unknown_user" })
                : Answer(await relay.HomeOpenedAsync(Self(http), i.User, ct)));
        return app;
    }

    private static IResult Answer(PlaygroundRelay.Outcome o) => Results.Json(new { status = o.Status, body = o.Body });

    private static string? ChannelFor(string user, string? channel) =>
        channel is null or PlaygroundSlack.Channel ? PlaygroundSlack.Channel : channel == PlaygroundSlack.DmOf(user) ? channel : null;

    /// <summary>This process, at the socket the request came in on (never the Host header, which the client writes).</summary>
    private static Uri Self(HttpContext http)
    {
        var ip = http.Connection.LocalIpAddress ?? IPAddress.Loopback;
        if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
        var host = ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{ip}]" : ip.ToString();
        return new Uri($"{http.Request.Scheme}://{host}:{http.Connection.LocalPort}/");
    }

    /// <summary>The playground's workspace exists and its first person is a maintainer, so triage works out of the box.</summary>
    private static async Task EnsureWorkspaceAsync(WorkspaceStore workspaces, CancellationToken ct)
    {
        var w = await workspaces.EnsureAsync(Platform.Slack, PlaygroundSlack.TeamId, ct);
        foreach (var p in PlaygroundSlack.People.Where(p => p.Maintainer))
            if (!await workspaces.IsMaintainerAsync(w.Id, p.Id, ct)) await workspaces.AddMaintainerAsync(w.Id, p.Id, "playground", ct);
    }

    /// <summary>Server-Sent Events: one "change" event per new version; the page then reads its state.</summary>
    private static async Task StreamAsync(HttpContext http, PlaygroundSlack slack, IHostApplicationLifetime life)
    {
        http.Response.Headers.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-store";
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, life.ApplicationStopping);
        var seen = -1L;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var now = slack.Version;
                if (now != seen)
                {
                    seen = now;
                    await http.Response.WriteAsync($"event: change\ndata: {now}\n\n", stop.Token);
                    await http.Response.Body.FlushAsync(stop.Token);
                }
                // A comment line every 15 s keeps proxies from closing an idle stream.
                await Task.WhenAny(slack.ChangedAfterAsync(seen), Task.Delay(TimeSpan.FromSeconds(15), stop.Token));
                if (slack.Version == seen) await http.Response.WriteAsync(": keep-alive\n\n", stop.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // The page went away or the app is stopping.
        }
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace SpeBot.Host.Slack;

/// <summary>
/// apps.connections.open: a fresh single-use wss URL for each connection. POST with the app-level token in the
/// Authorization header only (in the body it is an error), Tier 1 (about one call a minute sustained).
/// https://docs.slack.dev/reference/methods/apps.connections.open
/// Apart from <see cref="SlackWebApi"/> because it carries another token (xapp-, not the bot's xoxb-).
/// </summary>
public sealed class SocketModeOpener
{
    private readonly HttpClient _http;
    private readonly SlackOptions _options;

    public SocketModeOpener(HttpClient http, IOptions<SlackOptions> options)
    {
        _options = options.Value;
        http.BaseAddress ??= new Uri(_options.ApiBaseUrl.EndsWith('/') ? _options.ApiBaseUrl : _options.ApiBaseUrl + "/");
        http.Timeout = TimeSpan.FromSeconds(_options.HttpTimeoutSeconds);
        _http = http;
    }

    /// <summary>The socket URL; <see cref="SlackApiException"/> for ok:false, <see cref="SlackRateLimitedException"/> for 429.</summary>
    public async Task<Uri> OpenAsync(CancellationToken ct)
    {
        const string method = "apps.connections.open";
        using var request = new HttpRequestMessage(HttpMethod.Post, method) { Content = new StringContent("", null, "application/x-www-form-urlencoded") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.AppToken);
        try
        {
            using var response = await _http.SendAsync(request, ct);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
                throw new SlackRateLimitedException(method, response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(60));
            if ((int)response.StatusCode >= 500) throw new SlackTransportException(method, $"HTTP {(int)response.StatusCode}");
            var node = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct)) ?? throw new SlackTransportException(method, "empty response");
            if (node["ok"]?.GetValue<bool>() != true) throw new SlackApiException(method, node["error"]?.GetValue<string>() ?? "unknown_error");
            var url = node["url"]?.GetValue<string>();
            // Plain ws:// only to loopback (the test double); anything else must be TLS.
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || !(uri.Scheme == "wss" || uri.Scheme == "ws" && uri.IsLoopback))
                throw new SlackApiException(method, "invalid_socket_url");
            return uri;
        }
        catch (Exception e) when (e is HttpRequestException or System.Text.Json.JsonException
                                  || e is TaskCanceledException && !ct.IsCancellationRequested)
        {
            throw new SlackTransportException(method, e is TaskCanceledException ? "timeout" : e.Message, e);
        }
    }
}

using Microsoft.Extensions.Options;

namespace SpeBot.Host.Slack;

/// <summary>
/// Holds Slack's Socket Mode link when <c>Slack:AppToken</c> is set. One socket at a time, except while replacing:
/// on <c>warning</c> / <c>refresh_requested</c> (and when a socket drops) a new socket is opened and has said hello
/// before the old one is closed, so nothing arrives into a gap. <c>link_disabled</c> (Socket Mode switched off for the
/// app) and a refused token stop for good and say so in the log and on /healthz. Failed opens back off
/// (<see cref="SocketModeBackoff"/>), honouring a 429's Retry-After.
/// https://docs.slack.dev/apis/events-api/using-socket-mode
/// </summary>
public sealed partial class SocketModeService(
    SocketModeOpener opener, SocketModeStatus status, IServiceScopeFactory scopes, IOptions<SlackOptions> options, TimeProvider clock,
    ILogger<SocketModeService> log) : BackgroundService
{
    /// <summary>ok:false codes from apps.connections.open that no retry fixes: the token is wrong, revoked or not an app token.</summary>
    private static readonly HashSet<string> Fatal =
        ["invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired", "not_allowed_token_type", "missing_scope", "no_permission"];

    private static readonly TimeSpan HelloTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RetireGrace = TimeSpan.FromSeconds(5);

    /// <summary>A socket that drops sooner than this after its hello counts as a failure, so a flapping link backs off.</summary>
    private static readonly TimeSpan ShortLived = TimeSpan.FromSeconds(10);
    private int _ids;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        LogStarting(o.SocketPingMs);
        SocketModeConnection? current = null;
        var retiring = new List<Task>();
        var failures = 0;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                SocketModeConnection next;
                try
                {
                    next = await OpenAsync(TimeSpan.FromMilliseconds(o.SocketPingMs), stoppingToken);
                }
                catch (SlackApiException e) when (Fatal.Contains(e.Error))
                {
                    status.Stop(e.Error);
                    LogRefusedToken(e.Error);
                    return;
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    failures++;
                    var wait = SocketModeBackoff.After(failures, Random.Shared.NextDouble());
                    if (e is SlackRateLimitedException limited && limited.RetryAfter > wait) wait = limited.RetryAfter;
                    LogOpenFailed(failures, e.Message, wait.TotalSeconds);
                    await Task.Delay(wait, clock, stoppingToken);
                    continue;
                }
                var upSince = clock.GetTimestamp();

                // The replacement is up: only now does the old socket go (its in-flight envelopes still get their acks).
                if (current is not null) retiring.Add(RetireAsync(current));
                current = next;

                var reason = await current.Ended.WaitAsync(stoppingToken);
                if (reason == "link_disabled")
                {
                    status.Stop("link_disabled");
                    LogLinkDisabled();
                    return;
                }
                if (reason == SocketModeConnection.Dropped)
                {
                    // Nothing left to overlap with: the next socket opens at once, unless this one barely lived.
                    await current.DisposeAsync();
                    current = null;
                    if (clock.GetElapsedTime(upSince) < ShortLived)
                    {
                        failures++;
                        var wait = SocketModeBackoff.After(failures, Random.Shared.NextDouble());
                        LogFlapping(failures, wait.TotalSeconds);
                        await Task.Delay(wait, clock, stoppingToken);
                    }
                    else failures = 0;
                }
                else failures = 0;
                retiring.RemoveAll(t => t.IsCompleted);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            if (current is not null) retiring.Add(RetireAsync(current));
            await Task.WhenAll(retiring);
        }
    }

    private async Task<SocketModeConnection> OpenAsync(TimeSpan ping, CancellationToken ct)
    {
        var url = await opener.OpenAsync(ct);
        var connection = new SocketModeConnection(Interlocked.Increment(ref _ids), ping, DispatchAsync, status, log);
        try
        {
            await connection.OpenAsync(url, HelloTimeout, ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static async Task RetireAsync(SocketModeConnection connection)
    {
        await connection.RetireAsync(RetireGrace);
        await connection.DisposeAsync();
    }

    /// <summary>Each envelope gets its own scope, as an HTTP request would.</summary>
    private async Task<SlackAck> DispatchAsync(SocketModeFrame envelope)
    {
        var request = envelope.ToRequest();
        if (request is null) return new SlackAck(StatusCodes.Status400BadRequest, null, []);
        await using var scope = scopes.CreateAsyncScope();
        var dispatcher = scope.ServiceProvider.GetRequiredService<SlackDispatcher>();
        return await dispatcher.DispatchAsync(request, envelope.Retry, CancellationToken.None);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Slack Socket Mode: opening a socket (ping every {PingMs} ms)")]
    private partial void LogStarting(int pingMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack Socket Mode: open failed ({Failures} in a row): {Detail}; next try in {Seconds:0.0} s")]
    private partial void LogOpenFailed(int failures, string detail, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack Socket Mode: a socket dropped soon after it opened ({Failures} in a row); next try in {Seconds:0.0} s")]
    private partial void LogFlapping(int failures, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Slack Socket Mode stopped: Slack refused the app token ({Error}). Check Slack:AppToken (xapp-…, scope connections:write) and restart.")]
    private partial void LogRefusedToken(string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Slack Socket Mode stopped: link_disabled (Socket Mode was turned off for the app). Turn it on again, or use the HTTP request URL, and restart.")]
    private partial void LogLinkDisabled();
}

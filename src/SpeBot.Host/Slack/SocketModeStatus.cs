using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SpeBot.Host.Slack;

/// <summary>What /healthz and the readiness check say about the Socket Mode link: open sockets, and why it stopped.</summary>
public sealed class SocketModeStatus
{
    private int _open;

    /// <summary>Sockets that said hello and are still open (two for a moment while one replaces another).</summary>
    public int Open => Volatile.Read(ref _open);
    public bool Connected => Open > 0;

    /// <summary>Set when SpeBot gave up for good (link_disabled, a refused token): reconnecting would not help.</summary>
    public string? StoppedBecause { get; private set; }

    internal void Opened() => Interlocked.Increment(ref _open);
    internal void Closed() => Interlocked.Decrement(ref _open);
    internal void Stop(string reason) => StoppedBecause = reason;
}

/// <summary>Unhealthy while Socket Mode is configured and no socket is open: Slack then has no way to reach SpeBot.</summary>
public sealed class SlackSocketHealthCheck(SocketModeStatus status, Microsoft.Extensions.Options.IOptions<SlackOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!options.Value.SocketMode) return Task.FromResult(HealthCheckResult.Healthy("Slack over HTTP; no socket to hold"));
        if (status.Connected) return Task.FromResult(HealthCheckResult.Healthy($"{status.Open} Slack socket(s) open"));
        return Task.FromResult(HealthCheckResult.Unhealthy(status.StoppedBecause is { } why
            ? $"Slack Socket Mode stopped: {why}"
            : "Slack Socket Mode is not connected (reconnecting)"));
    }
}

/// <summary>
/// Waits between failed attempts to open a socket: jittered exponential from 1 s, capped so that a sustained outage
/// calls apps.connections.open (Tier 1) at most about once a minute.
/// </summary>
public static class SocketModeBackoff
{
    public static readonly TimeSpan First = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan Cap = TimeSpan.FromSeconds(120);

    /// <summary>Delay after the n-th failure in a row (n ≥ 1): between half and all of min(Cap, First·2^(n−1)).</summary>
    public static TimeSpan After(int failures, double random)
    {
        var ceiling = Math.Min(Cap.TotalMilliseconds, First.TotalMilliseconds * Math.Pow(2, Math.Clamp(failures - 1, 0, 30)));
        return TimeSpan.FromMilliseconds(ceiling * (0.5 + 0.5 * Math.Clamp(random, 0, 1)));
    }
}

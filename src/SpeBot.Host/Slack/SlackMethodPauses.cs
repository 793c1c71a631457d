using System.Collections.Concurrent;

namespace SpeBot.Host.Slack;

/// <summary>
/// Until when each Web API method is paused after Slack answered 429 with Retry-After. Slack limits an app per method
/// and workspace, not per caller, so every <see cref="SlackWebApi"/> of the process (the outbox's, each handler's)
/// shares one table: a pause one of them learned holds for the others too.
/// </summary>
public sealed class SlackMethodPauses
{
    public ConcurrentDictionary<string, DateTimeOffset> Until { get; } = new();
}

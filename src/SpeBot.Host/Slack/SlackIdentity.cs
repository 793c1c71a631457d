using Microsoft.Extensions.Options;

namespace SpeBot.Host.Slack;

/// <summary>The bot's own user id, so its own reactions and messages are never counted.</summary>
public sealed class SlackIdentity(IOptions<SlackOptions> options, IServiceProvider services, TimeProvider clock, ILogger<SlackIdentity> log)
{
    private string? _userId = string.IsNullOrWhiteSpace(options.Value.BotUserId) ? null : options.Value.BotUserId;
    private DateTimeOffset _retryAt;

    public async Task<string?> BotUserIdAsync(CancellationToken ct)
    {
        if (_userId is not null || clock.GetUtcNow() < _retryAt) return _userId;
        try
        {
            _userId = await services.GetRequiredService<SlackWebApi>().AuthTestUserIdAsync(ct);
        }
        catch (Exception e) when (e is SlackApiException or SlackTransportException or SlackRateLimitedException)
        {
            _retryAt = clock.GetUtcNow().AddMinutes(1);
            log.LogWarning("auth.test failed ({Error}); set Slack:BotUserId to skip the lookup", e.Message);
        }
        return _userId;
    }
}

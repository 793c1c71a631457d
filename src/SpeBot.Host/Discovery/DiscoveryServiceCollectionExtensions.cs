using SpeBot.Core.Discovery;
using SpeBot.Host.GitHub;

namespace SpeBot.Host.Discovery;

public static class DiscoveryHostExtensions
{
    /// <summary>Discovery's network edges: GitHub's REST API for /spe track, the TLS probe, and the watch's hourly tick.</summary>
    public static WebApplicationBuilder AddDiscovery(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddHttpClient<IGitHubIssues, GitHubIssuesClient>((sp, c) =>
            c.Timeout = TimeSpan.FromSeconds(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<GitHubOptions>>().Value.HttpTimeoutSeconds))
            // The track command (a singleton) keeps its client, so connections are recycled by the handler itself.
            .UseSocketsHttpHandler((h, _) => h.PooledConnectionLifetime = TimeSpan.FromMinutes(5))
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        services.AddSingleton<ITlsProbe, NetworkTlsProbe>();
        // A tracked issue links back to the item's Slack card when Slack is on (AddSlack registered its Web API client).
        if (builder.Configuration.GetSection(SpeBot.Host.Slack.SlackOptions.Section).Exists()) services.AddSingleton<IItemLinks, SlackItemLinks>();
        services.AddHostedService<WatchJob>();
        return builder;
    }
}

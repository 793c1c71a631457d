using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SpeBot.Core.Commands;

namespace SpeBot.Core.Discovery;

public static class DiscoveryServiceCollectionExtensions
{
    /// <summary>Discovery's core: the sources, the mute list, the watch, and their verbs. Each source is off until configured.</summary>
    public static IServiceCollection AddDiscoveryCore(this IServiceCollection services)
    {
        services.AddOptions<GitHubOptions>().BindConfiguration(GitHubOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<WatchOptions>().BindConfiguration(WatchOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ToilOptions>().BindConfiguration(ToilOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Discoveries>();
        services.AddSingleton<MutedSources>();
        services.AddSingleton<Deliveries>();
        services.AddSingleton<GitHubDiscovery>();
        services.AddSingleton<WatchStore>();
        services.AddSingleton<Watcher>();
        services.AddSingleton<ToilWatch>();
        // The host replaces these with its network edges; core-only tests keep them off.
        services.TryAddSingleton<IGitHubIssues, NoGitHubIssues>();
        services.TryAddSingleton<ITlsProbe, NoTlsProbe>();
        services.TryAddSingleton<IItemLinks, SourceLinks>();

        services.AddSingleton<ICommandHandler, MuteCommand>();
        services.AddSingleton<ICommandHandler, UnmuteCommand>();
        services.AddSingleton<ICommandHandler, TrackCommand>();
        services.AddSingleton<ICommandHandler, WatchCommand>();
        services.AddSingleton<ICommandHandler, WatchesCommand>();
        services.AddSingleton<ICommandHandler, UnwatchCommand>();
        return services;
    }
}

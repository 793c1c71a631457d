using SpeBot.Core;
using SpeBot.Core.Outbox;
using SpeBot.Host.Health;

namespace SpeBot.Host.Teams;

public static class TeamsServiceCollectionExtensions
{
    /// <summary>Teams is on when the "Teams" section exists; then its options must be valid or start-up stops.</summary>
    public static WebApplicationBuilder AddTeams(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var on = builder.Configuration.GetSection(TeamsOptions.Section).Exists();
        services.AddSingleton(new TeamsSwitch(on));
        services.AddHostedService<TeamsStartupLog>();
        if (!on) return builder;

        services.AddOptions<TeamsOptions>().BindConfigurationReplacingLists(TeamsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<BotFrameworkAuth>();
        services.AddSingleton<IBotTokenSource, MsalBotTokenSource>();
        services.AddTransient<BotTokenHandler>();
        // Long-lived holders (the outbox dispatcher) keep this client, so connections are recycled by the handler itself.
        services.AddHttpClient<BotConnectorClient>((sp, c) =>
                c.Timeout = TimeSpan.FromSeconds(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<TeamsOptions>>().Value.HttpTimeoutSeconds))
            .AddHttpMessageHandler<BotTokenHandler>()
            .UseSocketsHttpHandler((h, _) => h.PooledConnectionLifetime = TimeSpan.FromMinutes(5))
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        // The export upload goes to the person's OneDrive uploadUrl: its own client, never the Connector's token handler.
        services.AddHttpClient<TeamsExport>((sp, c) =>
            c.Timeout = TimeSpan.FromSeconds(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<TeamsOptions>>().Value.HttpTimeoutSeconds));
        services.AddSingleton<ConversationReferences>();
        services.AddSingleton<TeamsPeople>();
        services.AddSingleton<SpeBot.Core.Schedules.IPlatformTimeZones, TeamsUserTimeZones>();
        services.AddSingleton<TeamsRenderer>();
        services.AddSingleton<TeamsForms>();
        services.AddSingleton<TeamsWelcome>();
        services.AddSingleton<TeamsHome>();
        services.AddTransient<TeamsActivities>();
        services.AddTransient<TeamsInvokes>();
        services.AddTransient<TeamsDigest>();
        services.AddTransient<DirectChats>();
        services.AddTransient<TeamsHandoff>();
        services.AddTransient<TeamsPoll>();
        services.AddTransient<TeamsNudge>();
        services.AddTransient<IChatSender, TeamsSender>();
        return builder;
    }
}

internal sealed record TeamsSwitch(bool On);

/// <summary>Says at start-up whether Teams is served, and warns loudly when tokens are not checked.</summary>
internal sealed class TeamsStartupLog(TeamsSwitch teams, PlatformStatus status, IServiceProvider services, ILogger<TeamsStartupLog> log) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        status.Teams = teams.On;
        if (!teams.On)
        {
            log.LogInformation("Teams is off: no 'Teams' configuration section (set Teams__AppId, Teams__AppPassword and Teams__TenantId to turn it on)");
            return Task.CompletedTask;
        }
        var o = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<TeamsOptions>>().Value;
        if (o.AllowUnauthenticated)
            log.LogWarning("Teams:AllowUnauthenticated is on: /api/messages accepts requests WITHOUT a Bot Framework token. Local development only; never expose this host.");
        log.LogInformation("Teams is on: POST /api/messages");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

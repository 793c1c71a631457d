using SpeBot.Core.Outbox;
using SpeBot.Host.Health;

namespace SpeBot.Host.Slack;

public static class SlackServiceCollectionExtensions
{
    /// <summary>Slack is on when the "Slack" section exists; then its options must be valid or start-up stops.</summary>
    public static WebApplicationBuilder AddSlack(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var on = builder.Configuration.GetSection(SlackOptions.Section).Exists();
        services.AddSingleton(new SlackSwitch(on));
        services.AddHostedService<SlackStartupLog>();
        if (!on) return builder;

        services.AddOptions<SlackOptions>().BindConfiguration(SlackOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        // Long-lived holders (the outbox dispatcher) keep this client, so connections are recycled by the handler itself.
        services.AddHttpClient<SlackWebApi>()
            .UseSocketsHttpHandler((h, _) => h.PooledConnectionLifetime = TimeSpan.FromMinutes(5))
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        services.AddHttpClient(SlackSender.ResponseUrlClient, c => c.Timeout = TimeSpan.FromSeconds(10));
        services.AddSingleton<SlackRenderer>();
        services.AddSingleton<SlackForms>();
        services.AddSingleton<SlackEvidenceForm>();
        services.AddSingleton<SlackHome>();
        services.AddSingleton<SlackIdentity>();
        services.AddSingleton<SlackReplies>();
        services.AddSingleton<SlackCapture>();
        services.AddSingleton<SlackDigest>();
        services.AddSingleton<SlackNudge>();
        services.AddSingleton<SlackPoll>();
        services.AddSingleton<SlackHandoff>();
        services.AddSingleton<SlackRhythmActions>();
        services.AddSingleton<SpeBot.Core.Schedules.IPlatformTimeZones, SlackUserTimeZones>();
        services.AddSingleton<AckBudget>();
        services.AddSingleton<LateWork>();
        services.AddHostedService(sp => sp.GetRequiredService<LateWork>());
        // Stateless, so one each: as transients every request built all four, and with them two SlackWebApi clients from
        // the factory (most of a slash command's allocations after the form reader's buffer, measured with dotnet-trace).
        services.AddSingleton<SlackCommands>();
        services.AddSingleton<SlackInteractions>();
        services.AddSingleton<SlackEvents>();
        services.AddSingleton<SlackDispatcher>();
        services.AddSingleton<SlackMethodPauses>();
        services.AddSingleton<SocketModeStatus>();
        services.AddHealthChecks().AddCheck<SlackSocketHealthCheck>("slack-socket", tags: ["ready"]);
        if (!string.IsNullOrEmpty(builder.Configuration[$"{SlackOptions.Section}:{nameof(SlackOptions.AppToken)}"]))
        {
            // Held by the hosted service for the app's life, like SlackWebApi's client: connections recycle themselves.
            services.AddHttpClient<SocketModeOpener>()
                .UseSocketsHttpHandler((h, _) => h.PooledConnectionLifetime = TimeSpan.FromMinutes(5))
                .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
            services.AddHostedService<SocketModeService>();
        }
        services.AddTransient<IChatSender, SlackSender>();
        return builder;
    }
}

internal sealed record SlackSwitch(bool On);

/// <summary>Says at start-up whether Slack is served, so a missing section is never a silent surprise.</summary>
internal sealed class SlackStartupLog(SlackSwitch slack, PlatformStatus status, IServiceProvider services, ILogger<SlackStartupLog> log) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        status.Slack = slack.On;
        var socket = slack.On && services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SlackOptions>>().Value.SocketMode;
        status.SlackTransport = !slack.On ? null : socket ? "socket" : "http";
        if (socket) log.LogInformation("Slack is on: Socket Mode (Slack:AppToken set; no public URL needed)");
        else if (slack.On) log.LogInformation("Slack is on: POST /slack/events");
        else log.LogInformation("Slack is off: no 'Slack' configuration section (set Slack__SigningSecret and Slack__BotToken to turn it on)");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

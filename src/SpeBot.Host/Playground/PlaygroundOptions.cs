using System.Security.Cryptography;
using Microsoft.Extensions.Http;
using SpeBot.Host.Slack;

namespace SpeBot.Host.Playground;

/// <summary>
/// Section "Playground". On by default in the Development environment (the README's <c>dotnet run</c> uses the launch
/// profile that sets it) when no real Slack is configured; off elsewhere unless <c>Playground:Enabled=true</c>.
/// The playground stands in for Slack: it turns SpeBot's Slack adapter on with its own random secret and points the
/// Web API client at an in-process double, so it cannot run beside a real Slack section.
/// </summary>
public static class PlaygroundSetup
{
    public const string Section = "Playground";

    public static bool IsOn(WebApplicationBuilder builder)
    {
        var configured = builder.Configuration[$"{Section}:Enabled"];
        var slack = builder.Configuration.GetSection(SlackOptions.Section).Exists();
        if (!string.IsNullOrEmpty(configured))
        {
            // An unreadable value leaves it off; the start-up check then names the key (PlaygroundOptions binds it).
            if (!bool.TryParse(configured, out var on)) return false;
            if (on && slack)
                throw new InvalidOperationException("Playground:Enabled=true cannot run beside a 'Slack' section: the playground is SpeBot's Slack workspace while it runs. Remove the Slack settings or set Playground__Enabled=false.");
            return on;
        }
        return builder.Environment.IsDevelopment() && !slack;
    }

    public static WebApplicationBuilder AddPlayground(this WebApplicationBuilder builder)
    {
        if (!IsOn(builder)) return builder;
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        // Must come before AddSlack, which turns Slack on when this section exists.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Slack:SigningSecret"] = secret,
            ["Slack:BotToken"] = PlaygroundSlack.BotToken,
            ["Slack:ApiBaseUrl"] = PlaygroundSlack.ApiBase,
            ["Slack:BotUserId"] = PlaygroundSlack.BotUserId,
        });
        var services = builder.Services;
        services.AddSingleton(new PlaygroundSecret(secret));
        services.AddSingleton<PlaygroundSlack>();
        services.AddSingleton<PlaygroundRelay>();
        services.AddSingleton<PlaygroundPage>();
        services.AddHttpClient(PlaygroundRelay.Client, c => c.Timeout = TimeSpan.FromSeconds(30));
        // PostConfigure runs after AddSlack's own handler setup, so SpeBot's Slack clients reach the double, never the network.
        foreach (var name in new[] { nameof(SlackWebApi), SlackSender.ResponseUrlClient })
            services.AddOptions<HttpClientFactoryOptions>(name).PostConfigure<PlaygroundSlack>((o, slack) =>
                o.HttpMessageHandlerBuilderActions.Add(b => b.PrimaryHandler = slack.Handler()));
        return builder;
    }
}

/// <summary>The section's one key, bound so the start-up check and the example-vs-options test see it.</summary>
public sealed class PlaygroundOptions
{
    /// <summary>Unset: on in Development without a Slack section. See <see cref="PlaygroundSetup.IsOn"/>.</summary>
    public bool? Enabled { get; set; }
}

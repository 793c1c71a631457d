using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SpeBot.Tests.Support;

/// <summary>
/// The running host with Slack (loopback fake), GitHub discovery configured (signed webhooks, acme/web and acme/* mapped to
/// Slack team T1 channel C200, GitHub's REST API as a loopback fake) and the host's log captured.
/// </summary>
public abstract class DiscoveryHost : IAsyncLifetime
{
    public const string Channel = "C200";

    protected FakeSlackApi Slack { get; private set; } = null!;
    protected FakeGitHubApi GitHub { get; private set; } = null!;
    protected SpeBotFactory Factory { get; private set; } = null!;
    protected HttpClient Client { get; private set; } = null!;
    protected LogCapture Logs { get; } = new();

    protected virtual Dictionary<string, string?> Settings => [];

    protected virtual void Services(IServiceCollection services)
    {
    }

    public async Task InitializeAsync()
    {
        Slack = await FakeSlackApi.StartAsync();
        GitHub = await FakeGitHubApi.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["GitHub:WebhookSecret"] = GitHubWebhook.Secret,
            ["GitHub:Token"] = FakeGitHubApi.Token,
            ["GitHub:ApiBaseUrl"] = GitHub.BaseUrl,
            ["GitHub:Repos:0:Repo"] = "acme/web",
            ["GitHub:Repos:0:Platform"] = "slack",
            ["GitHub:Repos:0:Workspace"] = "T1",
            ["GitHub:Repos:0:Channel"] = Channel,
            ["GitHub:Repos:1:Repo"] = "acme/*",
            ["GitHub:Repos:1:Platform"] = "slack",
            ["GitHub:Repos:1:Workspace"] = "T1",
            ["GitHub:Repos:1:Channel"] = "C300",
        };
        foreach (var (k, v) in Settings) settings[k] = v;
        Factory = new SpeBotFactory(Slack, settings, s =>
        {
            s.AddSingleton<ILoggerProvider>(Logs);
            Services(s);
        });
        Client = Factory.CreateClient();
        await Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await GitHub.DisposeAsync();
        await Slack.DisposeAsync();
    }

    protected async Task<HttpResponseMessage> DeliverAsync(string @event, JsonObject payload, string? delivery = null)
    {
        var response = await Client.SendAsync(GitHubWebhook.Request(@event, payload, delivery));
        return response;
    }

    protected async Task<string> CommandTextAsync(string text, string user = "U111", string channel = "C100")
    {
        var response = await Client.SendAsync(SignedSlackRequest.Command(text, user, channel));
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadAsStringAsync();
        return body.Length == 0 ? "" : JsonNode.Parse(body)?["text"]?.GetValue<string>() ?? "";
    }

    protected IReadOnlyList<T> Query<T>(string sql, object? args = null) => Factory.Query<T>(sql, args);

    /// <summary>Waits for a chat.postMessage or chat.update to the channel whose body contains the text.</summary>
    protected Task WaitForPostAsync(string channel, string text, string method = "chat.postMessage") =>
        SpeBotFactory.WaitUntilAsync(() => Slack.CallsTo(method).Any(c => c.Body["channel"]?.GetValue<string>() == channel && c.Text.Contains(text, StringComparison.Ordinal)),
            what: $"{method} to {channel} with '{text}'");
}

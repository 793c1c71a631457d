using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Moq;
using SpeBot.Host.Teams;

namespace SpeBot.Tests.Support;

/// <summary>Base for tests that drive the host through /api/messages with locally minted tokens and a fake Connector.</summary>
public abstract class TeamsHost : IAsyncLifetime
{
    protected BotFrameworkIdentity Bot { get; private set; } = null!;
    protected SpeBotFactory Factory { get; private set; } = null!;
    protected HttpClient Client { get; private set; } = null!;
    protected Mock<IBotTokenSource> Tokens { get; } = new();

    protected virtual Dictionary<string, string?> Settings => [];

    public async Task InitializeAsync()
    {
        Bot = await BotFrameworkIdentity.StartAsync();
        Tokens.Setup(t => t.GetTokenAsync(It.IsAny<bool>(), It.IsAny<CancellationToken>())).ReturnsAsync("outbound-test-token");
        var settings = new Dictionary<string, string?>
        {
            ["Teams:AppId"] = BotFrameworkIdentity.AppId,
            ["Teams:AppPassword"] = "not-a-real-secret",
            ["Teams:TenantId"] = BotFrameworkIdentity.TenantId,
            ["Teams:OpenIdMetadataUrl"] = Bot.MetadataUrl,
            ["Teams:AllowedServiceUrls:0"] = Bot.ServiceUrl,
        };
        foreach (var (k, v) in Settings) settings[k] = v;
        // SPEBOT_TEST_HOST_PROVIDER=postgres sweeps the host tests on PostgreSQL (see SlackHost.Provider).
        Factory = Environment.GetEnvironmentVariable("SPEBOT_TEST_HOST_PROVIDER") == "postgres" && PostgresServer.Unavailable is null
            ? SpeBotFactory.OnPostgres(null, settings, s => s.Replace(ServiceDescriptor.Singleton(Tokens.Object)))
            : new SpeBotFactory(null, settings, s => s.Replace(ServiceDescriptor.Singleton(Tokens.Object)));
        Client = Factory.CreateClient();
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Bot.DisposeAsync();
    }

    protected Task<HttpResponseMessage> SendAsync(JsonNode activity, string? token = null) =>
        Client.SendAsync(ActivityBuilder.Request(activity, token ?? Bot.Token()));

    protected async Task<JsonObject> InvokeAsync(JsonNode activity)
    {
        var response = await SendAsync(activity);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    /// <summary>A person other tests can mention: "Ken", by Entra object id.</summary>
    protected const string KenAad = "99999999-8888-7777-6666-555555555555";

    /// <summary>Sends "@SpeBot {text}" in the channel (optionally mentioning Ken) and waits for the reply in its thread.</summary>
    protected async Task CommandAsync(string text, string id, bool mentionKen = false)
    {
        var activity = ActivityBuilder.ChannelMention(Bot.ServiceUrl, text, id);
        if (mentionKen)
        {
            activity["entities"]!.AsArray().Add(new JsonObject
            {
                ["type"] = "mention", ["text"] = "<at>Ken</at>",
                ["mentioned"] = new JsonObject { ["id"] = "29:1ken-abcdefghij", ["name"] = "Ken", ["aadObjectId"] = KenAad },
            });
        }
        await SendAsync(activity);
        await SpeBotFactory.WaitUntilAsync(() => Bot.Calls.Any(c => c.Path.EndsWith($"/activities/{id}", StringComparison.Ordinal)), what: $"reply to {text}");
    }

    /// <summary>Proposes in the channel and waits for the card; returns the item id and the card's activity id.</summary>
    protected async Task<(long ItemId, string CardId)> ProposeAsync(string title, string id = "1700000000001")
    {
        var response = await SendAsync(ActivityBuilder.ChannelMention(Bot.ServiceUrl, $"propose {title}", id));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        await SpeBotFactory.WaitUntilAsync(() => Query<long>("SELECT COUNT(*) FROM posted_messages WHERE platform = 'teams'").Single() > 0, what: "card recorded");
        // The newest card: SQLite's rowid is insertion order; PostgreSQL has none, and items are numbered in order there.
        var row = Query<(long ItemId, string MessageId)>(Factory.PostgresConnectionString is null
            ? "SELECT item_id AS ItemId, message_id AS MessageId FROM posted_messages ORDER BY created_at DESC, rowid DESC LIMIT 1"
            : "SELECT item_id AS ItemId, message_id AS MessageId FROM posted_messages ORDER BY created_at DESC, item_id DESC LIMIT 1").Single();
        return (row.ItemId, row.MessageId);
    }

    protected IReadOnlyList<T> Query<T>(string sql, object? args = null) => Factory.Query<T>(sql, args);
}

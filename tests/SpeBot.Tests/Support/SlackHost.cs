using System.Text.Json.Nodes;

namespace SpeBot.Tests.Support;

/// <summary>Base for tests that drive the running host through signed Slack requests and a fake Web API.</summary>
public abstract class SlackHost : IAsyncLifetime
{
    protected FakeSlackApi Slack { get; private set; } = null!;
    protected SpeBotFactory Factory { get; private set; } = null!;
    protected HttpClient Client { get; private set; } = null!;

    protected virtual Dictionary<string, string?>? Settings => null;

    /// <summary>
    /// SQLite (a temp file) unless a test class runs its host on PostgreSQL, or SPEBOT_TEST_HOST_PROVIDER=postgres runs
    /// every host test there (a sweep for dialect differences; some tests read SQLite's own tables and fail there).
    /// </summary>
    protected virtual SpeBot.Core.Storage.StorageProvider Provider =>
        Environment.GetEnvironmentVariable("SPEBOT_TEST_HOST_PROVIDER") == "postgres" && PostgresServer.Unavailable is null
            ? SpeBot.Core.Storage.StorageProvider.Postgres : SpeBot.Core.Storage.StorageProvider.Sqlite;

    public async Task InitializeAsync()
    {
        Slack = await FakeSlackApi.StartAsync();
        Factory = Provider == SpeBot.Core.Storage.StorageProvider.Postgres ? SpeBotFactory.OnPostgres(Slack, Settings) : new SpeBotFactory(Slack, Settings);
        Client = Factory.CreateClient();
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Slack.DisposeAsync();
    }

    /// <summary>Runs a slash command and returns the ack body (null when the ack is empty).</summary>
    protected async Task<JsonNode?> CommandAsync(string text, string user = "U111", string channel = "C100", string? responseUrl = null)
    {
        var response = await Client.SendAsync(SignedSlackRequest.Command(text, user, channel, responseUrl: responseUrl));
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadAsStringAsync();
        return body.Length == 0 ? null : JsonNode.Parse(body);
    }

    protected static string TextOf(JsonNode? ack) => ack?["text"]?.GetValue<string>() ?? "";

    /// <summary>Proposes an item and waits for its card; returns the item id and the card's ts.</summary>
    protected async Task<(long ItemId, string CardTs)> ProposeAsync(string title, string user = "U111", string channel = "C100")
    {
        var before = Slack.CallsTo("chat.postMessage").Count;
        await CommandAsync($"propose {title}", user, channel);
        await SpeBotFactory.WaitUntilAsync(() => Slack.CallsTo("chat.postMessage").Count > before, what: "card post");
        await SpeBotFactory.WaitUntilAsync(() => Query<long>("SELECT COUNT(*) FROM posted_messages").Single() > before, what: "card recorded");
        // The newest card: SQLite's rowid is insertion order; PostgreSQL has none, and items are numbered in order there.
        var row = Query<(long ItemId, string MessageId)>(Factory.PostgresConnectionString is null
            ? "SELECT item_id AS ItemId, message_id AS MessageId FROM posted_messages ORDER BY created_at DESC, rowid DESC LIMIT 1"
            : "SELECT item_id AS ItemId, message_id AS MessageId FROM posted_messages ORDER BY created_at DESC, item_id DESC LIMIT 1").Single();
        return (row.ItemId, row.MessageId);
    }

    protected IReadOnlyList<T> Query<T>(string sql, object? args = null) => Factory.Query<T>(sql, args);

    protected Task<HttpResponseMessage> SendAsync(HttpRequestMessage request) => Client.SendAsync(request);
}

using System.Text.Json.Nodes;
using SpeBot.Core;
using SpeBot.Core.Outbox;
using SpeBot.Core.Storage;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Jobs;

/// <summary>The outbox against a scripted fake Slack: rate limits, restarts, duplicates, dead letters, retries.</summary>
public sealed class OutboxDispatcherTests : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _owned = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--) await _owned[i].DisposeAsync();
    }

    private async Task<(FakeSlackApi Slack, SpeBotFactory Factory, HttpClient Client, SlackDb Db)> StartAsync(
        Action<FakeSlackApi>? script = null, Dictionary<string, string?>? settings = null, string? databasePath = null)
    {
        var slack = await FakeSlackApi.StartAsync();
        script?.Invoke(slack);
        var factory = new SpeBotFactory(slack, settings, databasePath: databasePath);
        _owned.Add(slack);
        _owned.Add(factory);
        return (slack, factory, factory.CreateClient(), new SlackDb(factory));
    }

    private static async Task ProposeAsync(HttpClient client, string title)
    {
        var response = await client.SendAsync(SignedSlackRequest.Command($"propose {title}"));
        response.EnsureSuccessStatusCode();
    }

    private static IReadOnlyList<SlackCall> Posts(FakeSlackApi slack) => slack.CallsTo("chat.postMessage");

    [Fact]
    public async Task RateLimitedCardIsPostedOnceAfterRetryAfterWithoutCountingTheAttempt()
    {
        var (slack, _, client, db) = await StartAsync(s => s.Script("chat.postMessage", SlackAnswer.RateLimited(1)));
        await ProposeAsync(client, "Replace filters in B2");
        var key = $"item_card:{db.LatestItemId()}:C100";

        await SpeBotFactory.WaitUntilAsync(() => db.Outbox(key)?.LastError == "rate limited", what: "429 recorded");
        Assert.Equal(0, db.Outbox(key)!.Attempts);

        await SpeBotFactory.WaitUntilAsync(() => db.Outbox(key)?.Status == "sent", what: "card sent after Retry-After");
        var posts = Posts(slack);
        Assert.Equal(2, posts.Count);
        Assert.True(posts[1].At - posts[0].At >= TimeSpan.FromMilliseconds(900), $"retried after {(posts[1].At - posts[0].At).TotalMilliseconds} ms");
        Assert.Equal(1, db.Scalar<long>("SELECT COUNT(*) FROM posted_messages WHERE kind = 'item_card'"));
        Assert.Equal(0, db.Scalar<long>("SELECT COUNT(*) FROM item_events WHERE action = 'voted'"));
    }

    [Fact]
    public async Task CardQueuedBeforeARestartIsPostedExactlyOnceAfterIt()
    {
        var path = Path.Combine(Path.GetTempPath(), $"spebot-restart-{Guid.NewGuid():N}.db");
        try
        {
            var settings = new Dictionary<string, string?> { ["Outbox:MaxAttempts"] = "50" };
            var down = await StartAsync(s => s.Script("chat.postMessage", Enumerable.Repeat(SlackAnswer.ServerError(), 200).ToArray()),
                settings, path);
            await ProposeAsync(down.Client, "Survive a restart");
            await SpeBotFactory.WaitUntilAsync(() => Posts(down.Slack).Count >= 2, what: "failed attempts before the restart");
            await down.Factory.DisposeAsync();
            var failed = Posts(down.Slack).Count;

            var up = await StartAsync(settings: settings, databasePath: path);
            await SpeBotFactory.WaitUntilAsync(() => up.Db.PendingOutbox() == 0 && Posts(up.Slack).Count >= 1, what: "card after the restart");

            Assert.Single(Posts(up.Slack));
            Assert.Contains("Survive a restart", Posts(up.Slack)[0].Body.ToJsonString());
            Assert.Equal(failed, Posts(down.Slack).Count);
            Assert.Equal(1, up.Db.Scalar<long>("SELECT COUNT(*) FROM posted_messages WHERE kind = 'item_card'"));
            Assert.Equal("sent", up.Db.Scalar<string>("SELECT status FROM outbox WHERE kind = 'item_card'"));
        }
        finally
        {
            await DisposeAsync();
            _owned.Clear();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            SpeBotFactory.DeleteDatabase(path);
        }
    }

    [Fact]
    public async Task DuplicateEnqueueWithTheSameDedupeKeyPostsOnce()
    {
        var (slack, factory, client, db) = await StartAsync();
        await ProposeAsync(client, "Post me once");
        var itemId = db.LatestItemId();
        var workspaceId = db.Scalar<long>("SELECT workspace_id FROM items WHERE id = @itemId", new { itemId });
        var database = factory.Get<Database>();
        var outbox = factory.Get<OutboxStore>();
        var message = new OutboundMessage(Platform.Slack, workspaceId, "C200", OutboxKinds.ItemCard, new OutboundBody { ItemId = itemId },
            $"item_card:{itemId}:C200");

        for (var i = 0; i < 2; i++) await outbox.EnqueueAloneAsync(database, message);
        factory.Get<OutboxSignal>().Notify();

        await SpeBotFactory.WaitUntilAsync(() => db.PendingOutbox() == 0 && db.Card(itemId, "C200") is not null, what: "card in C200");
        Assert.Single(Posts(slack), p => p.Body["channel"]!.GetValue<string>() == "C200");
        Assert.Equal(1, db.Scalar<long>("SELECT COUNT(*) FROM outbox WHERE dedupe_key = @key", new { key = $"item_card:{itemId}:C200" }));
    }

    [Fact]
    public async Task PermanentSlackErrorDeadLettersTheRowAndShowsInHealth()
    {
        var (slack, _, client, db) = await StartAsync(s => s.Script("chat.postMessage", SlackAnswer.Error("channel_not_found")));
        await ProposeAsync(client, "Nowhere to go");
        var key = $"item_card:{db.LatestItemId()}:C100";

        await SpeBotFactory.WaitUntilAsync(() => db.Outbox(key)?.Status == "dead", what: "dead letter");
        Assert.Equal("channel_not_found", db.Outbox(key)!.LastError);
        Assert.Single(Posts(slack));

        var health = JsonNode.Parse(await client.GetStringAsync("/healthz"))!;
        Assert.Equal(1, health["outbox"]!["dead"]!.GetValue<long>());
    }

    /// <summary>Errors that will fail the same way on every attempt (slack-platform.md, chat.postMessage errors).</summary>
    [Theory]
    [InlineData("not_in_channel")]
    [InlineData("invalid_blocks")]
    [InlineData("invalid_auth")]
    [InlineData("is_archived")]
    [InlineData("account_inactive")]
    [InlineData("token_revoked")]
    [InlineData("msg_too_long")]
    [InlineData("invalid_arguments")]
    [InlineData("missing_scope")]
    [InlineData("not_authed")]
    [InlineData("http_404")]
    public async Task PermanentSlackErrorIsDeadLetteredAtTheFirstAttemptWithItsCode(string code)
    {
        var answer = code.StartsWith("http_", StringComparison.Ordinal) ? new SlackAnswer(int.Parse(code[5..], System.Globalization.CultureInfo.InvariantCulture), null)
                                                                         : SlackAnswer.Error(code);
        var (slack, _, client, db) = await StartAsync(s => s.Script("chat.postMessage", answer));
        await ProposeAsync(client, "Nowhere to go");
        var key = $"item_card:{db.LatestItemId()}:C100";

        await SpeBotFactory.WaitUntilAsync(() => db.Outbox(key)?.Status == "dead", what: "dead letter");
        var row = db.Outbox(key)!;
        Assert.Equal((code, 1L), (row.LastError, row.Attempts));
        Assert.Single(Posts(slack));
    }

    [Theory]
    [InlineData("ratelimited")]
    [InlineData("internal_error")]
    [InlineData("http_503")]
    public async Task SlackErrorThatCanSucceedLaterIsRetried(string code)
    {
        var answer = code.StartsWith("http_", StringComparison.Ordinal) ? new SlackAnswer(int.Parse(code[5..], System.Globalization.CultureInfo.InvariantCulture), null)
                                                                         : SlackAnswer.Error(code);
        var (slack, _, client, db) = await StartAsync(s => s.Script("chat.postMessage", answer));
        await ProposeAsync(client, "Try again later");
        var key = $"item_card:{db.LatestItemId()}:C100";

        await SpeBotFactory.WaitUntilAsync(() => db.Outbox(key)?.Status == "sent", what: "sent on a later attempt");
        Assert.Equal(2, Posts(slack).Count);
    }

    [Fact]
    public async Task TransientErrorsAreRetriedUntilMaxAttemptsThenDead()
    {
        var (slack, _, client, db) = await StartAsync(s => s.Script("chat.postMessage", Enumerable.Repeat(SlackAnswer.ServerError(), 10).ToArray()),
            new() { ["Outbox:MaxAttempts"] = "3" });
        await ProposeAsync(client, "Flaky Slack");
        var key = $"item_card:{db.LatestItemId()}:C100";

        await SpeBotFactory.WaitUntilAsync(() => db.Outbox(key)?.Status == "dead", what: "dead after max attempts");
        var row = db.Outbox(key)!;
        Assert.Equal(3, row.Attempts);
        Assert.Contains("gave up after 3 attempts", row.LastError);
        Assert.Equal(3, Posts(slack).Count);
    }
}

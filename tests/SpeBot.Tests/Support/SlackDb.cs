using Dapper;
using Microsoft.Data.Sqlite;

namespace SpeBot.Tests.Support;

/// <summary>Reads the test host's SQLite file directly, so tests assert on what is durable, not on what the host says.</summary>
public sealed class SlackDb(string path)
{
    public SlackDb(SpeBotFactory factory) : this(factory.DatabasePath)
    {
    }

    public T Scalar<T>(string sql, object? args = null)
    {
        using var c = Open();
        return c.ExecuteScalar<T>(sql, args)!;
    }

    public IReadOnlyList<T> Query<T>(string sql, object? args = null)
    {
        using var c = Open();
        return c.Query<T>(sql, args).ToList();
    }

    public long Votes(long itemId) => Scalar<long>("SELECT COUNT(*) FROM votes WHERE item_id = @itemId", new { itemId });

    public OutboxRowState? Outbox(string dedupeKey) => Query<OutboxRowState>(
        "SELECT id, kind, status, attempts, last_error AS LastError, external_id AS ExternalId, dedupe_key AS DedupeKey FROM outbox WHERE dedupe_key = @dedupeKey",
        new { dedupeKey }).SingleOrDefault();

    public long PendingOutbox() => Scalar<long>("SELECT COUNT(*) FROM outbox WHERE status = 'pending'");

    /// <summary>The posted card of an item in a channel, once the outbox has delivered it.</summary>
    public PostedCard? Card(long itemId, string channel = "C100") => Query<PostedCard>(
        "SELECT item_id AS ItemId, channel_id AS Channel, message_id AS Ts FROM posted_messages WHERE item_id = @itemId AND channel_id = @channel AND kind = 'item_card'",
        new { itemId, channel }).SingleOrDefault();

    public long LatestItemId() => Scalar<long>("SELECT COALESCE(MAX(id), 0) FROM items");

    // Pooling off: the host owns the file; tests never keep a handle on it.
    private SqliteConnection Open()
    {
        var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, Mode = SqliteOpenMode.ReadWrite }.ToString());
        c.Open();
        return c;
    }
}

public sealed class OutboxRowState
{
    public long Id { get; init; }
    public string Kind { get; init; } = "";
    public string Status { get; init; } = "";
    public long Attempts { get; init; }
    public string? LastError { get; init; }
    public string? ExternalId { get; init; }
    public string DedupeKey { get; init; } = "";
}

public sealed class PostedCard
{
    public long ItemId { get; init; }
    public string Channel { get; init; } = "";
    public string Ts { get; init; } = "";
}

/// <summary>Proposes through a signed slash command and waits until the outbox has posted the card.</summary>
public static class SlackScenario
{
    public static async Task<PostedCard> ProposeCardAsync(HttpClient client, SlackDb db, string title, string channel = "C100", string user = "U111")
    {
        var response = await client.SendAsync(SignedSlackRequest.Command($"propose {title}", user: user, channel: channel));
        response.EnsureSuccessStatusCode();
        var itemId = db.LatestItemId();
        Assert.True(itemId > 0, "the proposal stored no item");
        PostedCard? card = null;
        await SpeBotFactory.WaitUntilAsync(() => (card = db.Card(itemId, channel)) is not null, what: $"card of item {itemId}");
        return card!;
    }
}

using System.Data.Common;
using Dapper;
using SpeBot.Core.Storage;

namespace SpeBot.Core.Retro;

/// <summary>A row of <c>polls</c> (Dapper row).</summary>
public sealed class Poll
{
    public long Id { get; init; }
    public long WorkspaceId { get; init; }
    public string Platform { get; init; } = "slack";
    public string ChannelId { get; init; } = "";
    public bool Anonymous { get; init; }
    public string? OpenedBy { get; init; }
    public DateTimeOffset OpensAt { get; init; }
    public DateTimeOffset ClosesAt { get; init; }
    public DateTimeOffset? ClosedAt { get; init; }
}

public sealed record PollOptionRow(string Question, string OptionId, long? ItemId, long Position);

public sealed record PollVoteRow(string Question, string VoterId, string OptionId);

/// <summary>The <c>polls</c>, <c>poll_options</c> and <c>poll_votes</c> tables.</summary>
public static class PollStore
{
    private const string Select = """
        SELECT p.id, p.workspace_id, w.platform, p.channel_id, p.anonymous, p.opened_by, p.opens_at, p.closes_at, p.closed_at
        FROM polls p JOIN workspaces w ON w.id = p.workspace_id
        """;

    public static Task<long> InsertAsync(DbConnection c, DbTransaction tx, long workspaceId, string channelId, bool anonymous, string? openedBy,
                                         DateTimeOffset opensAt, DateTimeOffset closesAt, CancellationToken ct) =>
        c.ExecuteScalarAsync<long>(new CommandDefinition("""
            INSERT INTO polls (workspace_id, channel_id, kind, anonymous, opened_by, opens_at, closes_at, created_at)
            VALUES (@workspaceId, @channelId, 'retro', @anon, @openedBy, @opens, @closes, @opens) RETURNING id
            """, new { workspaceId, channelId, anon = anonymous ? 1 : 0, openedBy, opens = Iso.Of(opensAt), closes = Iso.Of(closesAt) },
            tx, cancellationToken: ct));

    public static Task AddOptionAsync(DbConnection c, DbTransaction tx, long pollId, string question, long itemId, int position, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO poll_options (poll_id, question, option_id, item_id, position) VALUES (@pollId, @question, @option, @itemId, @position)
            ON CONFLICT (poll_id, question, option_id) DO NOTHING
            """, new { pollId, question, option = itemId.ToString(System.Globalization.CultureInfo.InvariantCulture), itemId, position },
            tx, cancellationToken: ct));

    public static Task<Poll?> GetAsync(DbConnection c, DbTransaction? tx, long id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<Poll>(new CommandDefinition($"{Select} WHERE p.id = @id", new { id }, tx, cancellationToken: ct));

    public static async Task<IReadOnlyList<Poll>> OpenPollsAsync(DbConnection c, CancellationToken ct) =>
        (await c.QueryAsync<Poll>(new CommandDefinition($"{Select} WHERE p.closed_at IS NULL ORDER BY p.id", cancellationToken: ct))).ToList();

    public static async Task<IReadOnlyList<PollOptionRow>> OptionsAsync(DbConnection c, DbTransaction? tx, long pollId, CancellationToken ct) =>
        (await c.QueryAsync<PollOptionRow>(new CommandDefinition("""
            SELECT question AS Question, option_id AS OptionId, item_id AS ItemId, position AS Position
            FROM poll_options WHERE poll_id = @pollId ORDER BY question, position
            """, new { pollId }, tx, cancellationToken: ct))).ToList();

    public static async Task<IReadOnlyList<PollVoteRow>> VotesAsync(DbConnection c, DbTransaction? tx, long pollId, CancellationToken ct) =>
        (await c.QueryAsync<PollVoteRow>(new CommandDefinition("""
            SELECT question AS Question, voter_id AS VoterId, option_id AS OptionId FROM poll_votes WHERE poll_id = @pollId ORDER BY voted_at, voter_id
            """, new { pollId }, tx, cancellationToken: ct))).ToList();

    /// <summary>One vote per person per question: a second click on another option moves it; the previous option comes back.</summary>
    public static async Task<string?> UpsertVoteAsync(DbConnection c, DbTransaction tx, long pollId, string question, string voterId, string optionId,
                                                      DateTimeOffset now, CancellationToken ct)
    {
        var previous = await c.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT option_id FROM poll_votes WHERE poll_id = @pollId AND question = @question AND voter_id = @voterId",
            new { pollId, question, voterId }, tx, cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO poll_votes (poll_id, question, voter_id, option_id, voted_at) VALUES (@pollId, @question, @voterId, @optionId, @now)
            ON CONFLICT (poll_id, question, voter_id) DO UPDATE SET option_id = excluded.option_id, voted_at = excluded.voted_at
            """, new { pollId, question, voterId, optionId, now = Iso.Of(now) }, tx, cancellationToken: ct));
        return previous;
    }

    /// <summary>The once-only close claim: only the first caller (timer, retry, sweep, other instance) gets true.</summary>
    public static async Task<bool> ClaimCloseAsync(DbConnection c, DbTransaction tx, long pollId, DateTimeOffset now, CancellationToken ct) =>
        await c.ExecuteScalarAsync<long?>(new CommandDefinition(
            "UPDATE polls SET closed_at = @now WHERE id = @pollId AND closed_at IS NULL RETURNING id",
            new { pollId, now = Iso.Of(now) }, tx, cancellationToken: ct)) is not null;
}

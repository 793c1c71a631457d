using System.Data.Common;
using Npgsql;
using SpeBot.Core.Outbox;
using SpeBot.Core.Storage;

namespace SpeBot.Core.Items;

/// <summary>
/// PostgreSQL's batch of proposals (<see cref="ProposalBatch"/>): many new items of one workspace, with everything a
/// proposal writes (count, person entry, "proposed" event, card post), in one statement after the number lock. The
/// batch holds the workspace's number lock until it commits, and every round trip under it kept the other instances'
/// and the next batch's proposals waiting: six statements per batch measured a third of both cores idle.
/// </summary>
public sealed partial class ItemStore
{
    /// <summary>Where a new item's card is posted (<see cref="OutboxKinds.ItemCard"/>), and the request's trace.</summary>
    public sealed record CardPost(Platform Platform, string ChannelId, string? TraceParent);

    // The card body is OutboundBody { ItemId } as OutboundBody.Serialize writes it, built in SQL around the id.
    private static readonly string[] CardBody = new OutboundBody { ItemId = long.MaxValue }.Serialize()
        .Split(long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>
    /// The write of <paramref name="batch"/> (items of workspace <paramref name="workspaceId"/>, none from a source
    /// message, which needs its duplicate check): the number lock, then one statement that inserts them with consecutive
    /// numbers after the workspace's highest, counts them, lists them under their authors, records their "proposed" events
    /// and queues their cards (<paramref name="cards"/>, one per item, in the order given, which is each channel's send
    /// order). Sent in one round trip by <see cref="PostgresDatabase.WriteInOneTripAsync{T}"/>; <see cref="ManyWrite.Items"/>
    /// then makes the items, in the order given, from the statement's (id, number) rows. PostgreSQL only.
    /// </summary>
    public ManyWrite CreateMany(long workspaceId, IReadOnlyList<NewItem> batch, IReadOnlyList<CardPost> cards)
    {
        if (_numberLock is null) throw new InvalidOperationException("CreateMany is PostgreSQL's batch path; SQLite's writer batches CreateAsync.");
        var items = batch.Select(n => n with { Title = n.Title.Replace('\0', '\uFFFD'), Detail = n.Detail?.Replace('\0', '\uFFFD'), Team = n.Team?.Replace('\0', '\uFFFD') })
            .ToList();
        if (items.Any(n => n.WorkspaceId != workspaceId || n.Source is not null))
            throw new ArgumentException("A batch holds proposals of one workspace without a source message.", nameof(batch));
        if (cards.Count != items.Count) throw new ArgumentException("One card per item.", nameof(cards));
        var now = Iso.Parse(Iso.Of(clock.GetUtcNow()));
        var at = Iso.Of(now);
        IReadOnlyList<NpgsqlBatchCommand> Commands() =>
        [
            new(_numberLock) { Parameters = { new("key", AdvisoryLocks.ItemNumber(workspaceId)) } },
            // Numbers follow the order given (WITH ORDINALITY), and every other row is matched to its item by number: under
            // the lock, this statement's snapshot holds the workspace's highest number, so item k gets m.n + k.
            new(ManySql)
            {
                Parameters =
                {
                    new("workspaceId", workspaceId), new("at", at), new("kind", OutboxKinds.ItemCard),
                    new("bodyBefore", CardBody[0]), new("bodyAfter", CardBody[1]),
                    new("titles", items.Select(n => n.Title).ToArray()),
                    new("details", items.Select(n => n.Detail).ToArray()),
                    new("categories", items.Select(n => n.Category).ToArray()),
                    new("authorPlatforms", items.Select(n => n.AuthorPlatform).ToArray()),
                    new("authorIds", items.Select(n => n.AuthorId).ToArray()),
                    new("teams", items.Select(n => n.Team).ToArray()),
                    new("impacts", items.Select(n => n.Impact).ToArray()),
                    new("efforts", items.Select(n => n.Effort).ToArray()),
                    new("bases", items.Select(n => Scoring.Base(0, n.Impact, n.Effort, _weights)).ToArray()),
                    new("eventChannels", items.Select(n => n.ChannelId).ToArray()),
                    new("cardPlatforms", cards.Select(p => p.Platform.Wire()).ToArray()),
                    new("cardChannels", cards.Select(p => p.ChannelId).ToArray()),
                    new("traces", cards.Select(p => p.TraceParent).ToArray()),
                },
            },
        ];
        IReadOnlyList<Item> Items(IReadOnlyList<(long Id, long Number)> rows)
        {
            var ordered = rows.OrderBy(r => r.Number).ToList();
            if (ordered.Count != items.Count) throw new InvalidOperationException($"{items.Count} items written, {ordered.Count} returned.");
            return items.Select((n, i) => new Item
            {
                Id = ordered[i].Id, WorkspaceId = workspaceId, Number = ordered[i].Number, Title = n.Title, Detail = n.Detail, Category = n.Category,
                AuthorPlatform = n.AuthorPlatform, AuthorId = n.AuthorId, Team = n.Team, Impact = n.Impact, Effort = n.Effort,
                CreatedAt = now, UpdatedAt = now,
            }).ToList();
        }
        return new ManyWrite(Commands, Items);
    }

    /// <summary>A batch's commands (built anew for each attempt) and how to make its items from the returned rows.</summary>
    public sealed record ManyWrite(Func<IReadOnlyList<NpgsqlBatchCommand>> Commands, Func<IReadOnlyList<(long Id, long Number)>, IReadOnlyList<Item>> Items);

    // No join matches the returned rows to their proposals: the item ids, in number order (which is the order given), are
    // zipped with the per-proposal arrays by a multi-argument unnest, so the plan is the same for any batch size and may
    // be generic (Npgsql prepares the statement; the server plans it once).
    private const string ManySql = """
            WITH m AS (SELECT COALESCE(MAX(number), 0) AS n FROM items WHERE workspace_id = @workspaceId),
            ins AS (
              INSERT INTO items (workspace_id, number, title, detail, category, status, author_platform, author_id, team,
                                 impact, effort, base_score, created_at, updated_at)
              SELECT @workspaceId, m.n + t.ord, t.title, t.detail, t.category, 'proposed', t.author_platform, t.author_id, t.team,
                     t.impact, t.effort, t.base, @at, @at
              FROM unnest(@titles, @details, @categories, @authorPlatforms, @authorIds, @teams, @impacts, @efforts, @bases)
                     WITH ORDINALITY AS t(title, detail, category, author_platform, author_id, team, impact, effort, base, ord),
                   m
              ORDER BY t.ord
              RETURNING id, number
            ),
            j AS (
              SELECT * FROM unnest(ARRAY(SELECT id FROM ins ORDER BY number), @authorPlatforms, @authorIds, @eventChannels,
                                   @cardPlatforms, @cardChannels, @traces)
                WITH ORDINALITY AS j(id, author_platform, author_id, event_channel, card_platform, card_channel, trace, ord)
            ),
            counted AS (
              INSERT INTO item_counts (workspace_id, status, category, n)
              SELECT @workspaceId, 'proposed', category, COUNT(*) FROM unnest(@categories) AS c(category) GROUP BY category
              ON CONFLICT (workspace_id, status, category) DO UPDATE SET n = item_counts.n + excluded.n
            ),
            people AS (
              INSERT INTO item_people (workspace_id, author_id, status, number, item_id)
              SELECT @workspaceId, author_id, 'proposed', m.n + ord, id FROM j, m
            ),
            events AS (
              INSERT INTO item_events (item_id, actor_id, action, detail, platform, channel_id, created_at)
              SELECT id, author_id, 'proposed', NULL, author_platform, event_channel, @at FROM j ORDER BY ord
            ),
            posts AS (
              INSERT INTO outbox (platform, workspace_id, channel_id, kind, body, dedupe_key, status, next_attempt_at, created_at, trace_parent)
              SELECT card_platform, @workspaceId, card_channel, @kind, @bodyBefore || id || @bodyAfter, 'item_card:' || id || ':' || card_channel,
                     'pending', @at, @at, trace
              FROM j ORDER BY ord
              ON CONFLICT (dedupe_key) DO NOTHING
            )
            SELECT id, number FROM ins
            """;
}

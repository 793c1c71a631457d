using System.Data.Common;
using Dapper;
using SpeBot.Core.Storage;

namespace SpeBot.Core.Items;

/// <summary>
/// PostgreSQL's batch of proposals (<see cref="ProposalBatch"/>): many new items of one workspace in five statements
/// instead of five per item. Every statement is a round trip to the server, and the batch holds the workspace's number
/// lock through all of them: per-item statements made the round trips, not the server's work, the limit.
/// </summary>
public sealed partial class ItemStore
{
    /// <summary>
    /// Inserts <paramref name="batch"/> (items of workspace <paramref name="workspaceId"/>, none from a source message,
    /// which needs its duplicate check) with consecutive numbers after the workspace's highest, and their "proposed"
    /// events; returns the items in the order given. PostgreSQL only.
    /// </summary>
    public async Task<IReadOnlyList<Item>> CreateManyAsync(DbConnection c, DbTransaction tx, long workspaceId, IReadOnlyList<NewItem> batch,
                                                           CancellationToken ct)
    {
        if (_numberLock is null) throw new InvalidOperationException("CreateManyAsync is PostgreSQL's batch path; SQLite's writer batches CreateAsync.");
        var items = batch.Select(n => n with { Title = n.Title.Replace('\0', '\uFFFD'), Detail = n.Detail?.Replace('\0', '\uFFFD'), Team = n.Team?.Replace('\0', '\uFFFD') })
            .ToList();
        if (items.Any(n => n.WorkspaceId != workspaceId || n.Source is not null))
            throw new ArgumentException("A batch holds proposals of one workspace without a source message.", nameof(batch));
        var now = Iso.Parse(Iso.Of(clock.GetUtcNow()));
        var at = Iso.Of(now);
        await c.RunAsync(tx, _numberLock, ct, ("@key", AdvisoryLocks.ItemNumber(workspaceId)));
        // Numbers follow the order given (WITH ORDINALITY); each returned row is matched back by its number.
        var rows = (await c.QueryAsync<(long Id, long Number)>(new CommandDefinition("""
            INSERT INTO items (workspace_id, number, title, detail, category, status, author_platform, author_id, team,
                               impact, effort, base_score, created_at, updated_at)
            SELECT @workspaceId, m.n + t.ord, t.title, t.detail, t.category, 'proposed', t.author_platform, t.author_id, t.team,
                   t.impact, t.effort, t.base, @at, @at
            FROM unnest(@titles, @details, @categories, @authorPlatforms, @authorIds, @teams, @impacts, @efforts, @bases)
                   WITH ORDINALITY AS t(title, detail, category, author_platform, author_id, team, impact, effort, base, ord),
                 (SELECT COALESCE(MAX(number), 0) AS n FROM items WHERE workspace_id = @workspaceId) m
            ORDER BY t.ord
            RETURNING id, number
            """, new
            {
                workspaceId, at,
                titles = items.Select(n => n.Title).ToArray(),
                details = items.Select(n => n.Detail).ToArray(),
                categories = items.Select(n => n.Category).ToArray(),
                authorPlatforms = items.Select(n => n.AuthorPlatform).ToArray(),
                authorIds = items.Select(n => n.AuthorId).ToArray(),
                teams = items.Select(n => n.Team).ToArray(),
                impacts = items.Select(n => n.Impact).ToArray(),
                efforts = items.Select(n => n.Effort).ToArray(),
                bases = items.Select(n => Scoring.Base(0, n.Impact, n.Effort, _weights)).ToArray(),
            }, tx, cancellationToken: ct))).OrderBy(r => r.Number).ToList();
        // The batch counts itself, as CreateAsync does (migration 0010): one upsert per category of the batch.
        await c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO item_counts (workspace_id, status, category, n)
            SELECT @workspaceId, 'proposed', t.category, COUNT(*) FROM unnest(@categories) AS t(category) GROUP BY t.category
            ON CONFLICT (workspace_id, status, category) DO UPDATE SET n = item_counts.n + excluded.n
            """, new { workspaceId, categories = items.Select(n => n.Category).ToArray() }, tx, cancellationToken: ct));
        var created = items.Select((n, i) => new Item
        {
            Id = rows[i].Id, WorkspaceId = workspaceId, Number = rows[i].Number, Title = n.Title, Detail = n.Detail, Category = n.Category,
            AuthorPlatform = n.AuthorPlatform, AuthorId = n.AuthorId, Team = n.Team, Impact = n.Impact, Effort = n.Effort,
            CreatedAt = now, UpdatedAt = now,
        }).ToList();
        await c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO item_people (workspace_id, author_id, status, number, item_id)
            SELECT @workspaceId, t.author_id, 'proposed', t.number, t.item_id FROM unnest(@authorIds, @numbers, @ids) AS t(author_id, number, item_id)
            """, new
            {
                workspaceId,
                authorIds = created.Select(i => i.AuthorId).ToArray(),
                numbers = created.Select(i => i.Number).ToArray(),
                ids = created.Select(i => i.Id).ToArray(),
            }, tx, cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO item_events (item_id, actor_id, action, detail, platform, channel_id, created_at)
            SELECT t.item_id, t.actor_id, 'proposed', NULL, t.platform, t.channel_id, @at
            FROM unnest(@ids, @actors, @platforms, @channels) WITH ORDINALITY AS t(item_id, actor_id, platform, channel_id, ord)
            ORDER BY t.ord
            """, new
            {
                at,
                ids = created.Select(i => i.Id).ToArray(),
                actors = items.Select(n => n.AuthorId).ToArray(),
                platforms = items.Select(n => n.AuthorPlatform).ToArray(),
                channels = items.Select(n => n.ChannelId).ToArray(),
            }, tx, cancellationToken: ct));
        return created;
    }
}

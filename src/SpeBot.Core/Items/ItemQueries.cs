using Dapper;
using Microsoft.Extensions.Options;
using SpeBot.Core.Storage;

namespace SpeBot.Core.Items;

/// <summary>What people look for: lists by status, category and person, the top by score, search, mine.</summary>
public sealed class ItemQueries(Database db, TimeProvider clock, IOptions<SpeBotOptions> options)
{
    public sealed record Filter(IReadOnlyList<string>? Statuses = null, string? Category = null, string? UserId = null);

    public async Task<IReadOnlyList<ItemView>> ListAsync(long workspaceId, Filter filter, CancellationToken ct = default)
    {
        var statuses = filter.Statuses ?? ["proposed", "accepted", "in_progress"];
        var rows = await db.ReadAsync(c => c.QueryAsync<Item>(new CommandDefinition($"""
            {ItemStore.Select}
            WHERE i.workspace_id = @workspaceId AND i.status IN @statuses
              AND (@category IS NULL OR i.category = @category)
              AND (@userId IS NULL OR i.author_id = @userId OR i.claimed_by = @userId OR i.source_author_id = @userId)
            ORDER BY i.number DESC
            """, new { workspaceId, statuses, category = filter.Category, userId = filter.UserId }, cancellationToken: ct)), ct);
        return rows.Select(View).ToList();
    }

    /// <summary>Open items by score, highest first; ties go to the older item.</summary>
    public async Task<IReadOnlyList<ItemView>> TopAsync(long workspaceId, int n, CancellationToken ct = default) =>
        (await ListAsync(workspaceId, new Filter(), ct)).OrderByDescending(v => v.Score).ThenBy(v => v.Item.Number).Take(n).ToList();

    /// <summary>
    /// Every word must appear in the title or detail. Plain substring matching (no tokenizer), so Japanese,
    /// which has no spaces between words, is found too.
    /// </summary>
    public async Task<IReadOnlyList<ItemView>> SearchAsync(long workspaceId, IReadOnlyList<string> words, CancellationToken ct = default)
    {
        var sql = $"{ItemStore.Select} WHERE i.workspace_id = @workspaceId";
        var args = new DynamicParameters(new { workspaceId });
        for (var k = 0; k < words.Count; k++)
        {
            sql += $" AND (instr(lower(i.title), @w{k}) > 0 OR instr(lower(COALESCE(i.detail, '')), @w{k}) > 0)";
            args.Add($"w{k}", words[k].ToLowerInvariant());
        }
        sql += " ORDER BY i.number DESC LIMIT 200";
        var rows = await db.ReadAsync(c => c.QueryAsync<Item>(new CommandDefinition(sql, args, cancellationToken: ct)), ct);
        return rows.Select(View).ToList();
    }

    public async Task<(IReadOnlyList<ItemView> Proposed, IReadOnlyList<ItemView> Claimed)> MineAsync(long workspaceId, string userId, CancellationToken ct = default)
    {
        var rows = (await db.ReadAsync(c => c.QueryAsync<Item>(new CommandDefinition($"""
            {ItemStore.Select}
            WHERE i.workspace_id = @workspaceId AND (i.author_id = @userId OR i.claimed_by = @userId)
            ORDER BY i.number DESC LIMIT 200
            """, new { workspaceId, userId }, cancellationToken: ct)), ct)).Select(View).ToList();
        return (rows.Where(v => v.Item.AuthorId == userId && ItemLifecycle.IsOpen(v.Item.State)).ToList(),
                rows.Where(v => v.Item.ClaimedBy == userId && ItemLifecycle.IsOpen(v.Item.State)).ToList());
    }

    public ItemView View(Item item) => new(item, Scoring.Score(item, options.Value.Score, clock.GetUtcNow()));
}

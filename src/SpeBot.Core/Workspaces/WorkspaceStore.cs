using System.Collections.Concurrent;
using Dapper;
using Microsoft.Extensions.Options;
using SpeBot.Core.Storage;
using SpeBot.Core.Text;

namespace SpeBot.Core.Workspaces;

public sealed class WorkspaceStore(Database db, TimeProvider clock, IOptions<SpeBotOptions> options)
{
    // Workspace ids never change once created; caching them keeps the hot path to one read.
    private readonly ConcurrentDictionary<(string, string), long> _ids = new();

    public async Task<Workspace> EnsureAsync(Platform platform, string externalId, CancellationToken ct = default)
    {
        var key = (platform.Wire(), externalId);
        await using var c = await db.OpenAsync(ct);
        if (_ids.TryGetValue(key, out var id))
        {
            var cached = await c.QuerySingleOrDefaultAsync<Workspace>(new CommandDefinition(
                SelectById, new { id }, cancellationToken: ct));
            if (cached is not null) return cached;
        }
        var found = await c.QuerySingleOrDefaultAsync<Workspace>(new CommandDefinition(
            SelectByExternal, new { platform = key.Item1, externalId }, cancellationToken: ct));
        if (found is null)
        {
            var now = Iso.Of(clock.GetUtcNow());
            await c.ExecuteAsync(new CommandDefinition("""
                INSERT INTO workspaces (platform, external_id, created_at, updated_at)
                VALUES (@platform, @externalId, @now, @now)
                ON CONFLICT (platform, external_id) DO NOTHING
                """, new { platform = key.Item1, externalId, now }, cancellationToken: ct));
            found = await c.QuerySingleAsync<Workspace>(new CommandDefinition(
                SelectByExternal, new { platform = key.Item1, externalId }, cancellationToken: ct));
        }
        _ids[key] = found.Id;
        return found;
    }

    /// <summary>The workspace (created on first contact) and the reader's locale, in one read on the hot path.</summary>
    public async Task<(Workspace Workspace, string Locale)> ContextAsync(Platform platform, string externalId, string userId, string? hint,
                                                                         CancellationToken ct = default)
    {
        // Two objects from one row: the workspace, then the reader's own locale (split on "UserLocale").
        var rows = await db.ReadAsync(c => c.QueryAsync<Workspace, string?, (Workspace Workspace, string? UserLocale)>(new CommandDefinition("""
            SELECT w.id AS Id, w.platform AS Platform, w.external_id AS ExternalId, w.name AS Name, w.locale AS Locale,
                   w.time_zone AS TimeZone, u.locale AS UserLocale
            FROM workspaces w
            LEFT JOIN user_settings u ON u.workspace_id = w.id AND u.user_id = @userId
            WHERE w.platform = @platform AND w.external_id = @externalId
            """, new { platform = platform.Wire(), externalId, userId }, cancellationToken: ct), (w, l) => (w, l), splitOn: "UserLocale"), ct);
        if (rows.FirstOrDefault() is not { Workspace: not null } row)
        {
            var created = await EnsureAsync(platform, externalId, ct);
            return (created, ChannelLocale(created, hint));
        }
        return (row.Workspace, MessageCatalog.Normalize(row.UserLocale) ?? ChannelLocale(row.Workspace, hint));
    }

    private const string Columns = "id AS Id, platform AS Platform, external_id AS ExternalId, name AS Name, locale AS Locale, time_zone AS TimeZone";
    private const string SelectById = $"SELECT {Columns} FROM workspaces WHERE id = @id";
    private const string SelectByExternal = $"SELECT {Columns} FROM workspaces WHERE platform = @platform AND external_id = @externalId";

    public Task<Workspace?> GetAsync(long id, CancellationToken ct = default) =>
        db.ReadAsync(c => c.QuerySingleOrDefaultAsync<Workspace>(new CommandDefinition(SelectById, new { id }, cancellationToken: ct)), ct);

    /// <summary>The reader's locale: their own choice, then the workspace's, then the platform's hint, then the configured default.</summary>
    public async Task<string> LocaleForAsync(Workspace workspace, string userId, string? hint, CancellationToken ct = default)
    {
        var mine = await db.ReadAsync(c => c.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT locale FROM user_settings WHERE workspace_id = @id AND user_id = @userId",
            new { id = workspace.Id, userId }, cancellationToken: ct)), ct);
        return MessageCatalog.Normalize(mine) ?? ChannelLocale(workspace, hint);
    }

    /// <summary>Locale for what everybody in a channel reads.</summary>
    public string ChannelLocale(Workspace workspace, string? hint = null) =>
        MessageCatalog.Normalize(workspace.Locale) ?? MessageCatalog.Normalize(hint)
        ?? MessageCatalog.Normalize(options.Value.DefaultLocale) ?? MessageCatalog.Fallback;

    public Task SetUserLocaleAsync(long workspaceId, string userId, string locale, CancellationToken ct = default) =>
        db.WriteAsync((c, tx) => c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO user_settings (workspace_id, user_id, locale, updated_at) VALUES (@workspaceId, @userId, @locale, @now)
            ON CONFLICT (workspace_id, user_id) DO UPDATE SET locale = excluded.locale, updated_at = excluded.updated_at
            """, new { workspaceId, userId, locale, now = Iso.Of(clock.GetUtcNow()) }, tx, cancellationToken: ct)), ct);

    public Task SetWorkspaceLocaleAsync(long workspaceId, string locale, CancellationToken ct = default) =>
        db.WriteAsync((c, tx) => c.ExecuteAsync(new CommandDefinition(
            "UPDATE workspaces SET locale = @locale, updated_at = @now WHERE id = @workspaceId",
            new { workspaceId, locale, now = Iso.Of(clock.GetUtcNow()) }, tx, cancellationToken: ct)), ct);

    /// <summary>Configured maintainers count in every workspace; chat-added ones in their own.</summary>
    public async Task<bool> IsMaintainerAsync(long workspaceId, string userId, CancellationToken ct = default)
    {
        if (options.Value.Maintainers.Contains(userId, StringComparer.Ordinal)) return true;
        return await db.ReadAsync(c => c.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM maintainers WHERE workspace_id = @workspaceId AND user_id = @userId",
            new { workspaceId, userId }, cancellationToken: ct)), ct) > 0;
    }

    public Task AddMaintainerAsync(long workspaceId, string userId, string addedBy, CancellationToken ct = default) =>
        db.WriteAsync((c, tx) => c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO maintainers (workspace_id, user_id, added_by, added_at) VALUES (@workspaceId, @userId, @addedBy, @now)
            ON CONFLICT (workspace_id, user_id) DO NOTHING
            """, new { workspaceId, userId, addedBy, now = Iso.Of(clock.GetUtcNow()) }, tx, cancellationToken: ct)), ct);

    /// <summary>False when the person is a configured maintainer (change the config) or was not one.</summary>
    public async Task<bool> RemoveMaintainerAsync(long workspaceId, string userId, CancellationToken ct = default) =>
        await db.WriteAsync((c, tx) => c.ExecuteAsync(new CommandDefinition(
            "DELETE FROM maintainers WHERE workspace_id = @workspaceId AND user_id = @userId",
            new { workspaceId, userId }, tx, cancellationToken: ct)), ct) > 0;

    public async Task<IReadOnlyList<string>> MaintainersAsync(long workspaceId, CancellationToken ct = default)
    {
        var stored = await db.ReadAsync(c => c.QueryAsync<string>(new CommandDefinition(
            "SELECT user_id FROM maintainers WHERE workspace_id = @workspaceId ORDER BY added_at", new { workspaceId }, cancellationToken: ct)), ct);
        return options.Value.Maintainers.Concat(stored).Distinct(StringComparer.Ordinal).ToList();
    }
}

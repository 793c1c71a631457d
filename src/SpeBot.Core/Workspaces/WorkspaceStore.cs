using System.Data.Common;
using System.Collections.Concurrent;
using Dapper;
using Microsoft.Extensions.Options;
using SpeBot.Core.Storage;
using SpeBot.Core.Text;

namespace SpeBot.Core.Workspaces;

public sealed class WorkspaceStore(Database db, TimeProvider clock, IOptions<SpeBotOptions> options)
{
    // This store's dialect difference: the maintainer list's lock (see MayChangeMaintainersAsync).
    private readonly string? _listLock = db.Provider == StorageProvider.Postgres ? "SELECT pg_advisory_xact_lock(@key)" : null;


    /// <summary>
    /// How long a workspace (name, locale, time zone) and a reader's locale are served from memory. Every command and
    /// event needs both and they change only through this store, so a request pays no read for them; this process's own
    /// changes show at once, another instance's (several instances on one PostgreSQL) within this time. At most one read
    /// per workspace and reader per 5 s is nothing next to the writes a request makes.
    /// </summary>
    public static readonly TimeSpan CacheTtl = TimeSpan.FromSeconds(5);
    private const int MaxUsers = 50_000;
    private readonly ConcurrentDictionary<(string, string), (Workspace Workspace, DateTimeOffset Until)> _workspaces = new();
    private readonly ConcurrentDictionary<(long, string), (string? Locale, DateTimeOffset Until)> _userLocales = new();

    public async Task<Workspace> EnsureAsync(Platform platform, string externalId, CancellationToken ct = default)
    {
        var key = (platform.Wire(), externalId);
        var now = clock.GetUtcNow();
        if (_workspaces.TryGetValue(key, out var hit) && hit.Until > now) return hit.Workspace;
        await using var c = await db.OpenAsync(ct);
        var found = await c.QuerySingleOrDefaultAsync<Workspace>(new CommandDefinition(
            SelectByExternal, new { platform = key.Item1, externalId }, cancellationToken: ct));
        if (found is null)
        {
            await c.ExecuteAsync(new CommandDefinition("""
                INSERT INTO workspaces (platform, external_id, created_at, updated_at)
                VALUES (@platform, @externalId, @now, @now)
                ON CONFLICT (platform, external_id) DO NOTHING
                """, new { platform = key.Item1, externalId, now = Iso.Of(now) }, cancellationToken: ct));
            found = await c.QuerySingleAsync<Workspace>(new CommandDefinition(
                SelectByExternal, new { platform = key.Item1, externalId }, cancellationToken: ct));
        }
        _workspaces[key] = (found, now + CacheTtl);
        return found;
    }

    /// <summary>The workspace (created on first contact) and the reader's locale; from memory on the hot path.</summary>
    public async Task<(Workspace Workspace, string Locale)> ContextAsync(Platform platform, string externalId, string userId, string? hint,
                                                                         CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        if (_workspaces.TryGetValue((platform.Wire(), externalId), out var ws) && ws.Until > now
            && _userLocales.TryGetValue((ws.Workspace.Id, userId), out var mine) && mine.Until > now)
        {
            return (ws.Workspace, MessageCatalog.Normalize(mine.Locale) ?? ChannelLocale(ws.Workspace, hint));
        }
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
            RememberUser(created.Id, userId, null, now);
            return (created, ChannelLocale(created, hint));
        }
        _workspaces[(platform.Wire(), externalId)] = (row.Workspace, now + CacheTtl);
        RememberUser(row.Workspace.Id, userId, row.UserLocale, now);
        return (row.Workspace, MessageCatalog.Normalize(row.UserLocale) ?? ChannelLocale(row.Workspace, hint));
    }

    private void RememberUser(long workspaceId, string userId, string? locale, DateTimeOffset now)
    {
        // A bound, not an eviction policy: people are few per workspace, and a cleared cache only costs one read each.
        if (_userLocales.Count >= MaxUsers) _userLocales.Clear();
        _userLocales[(workspaceId, userId)] = (locale, now + CacheTtl);
    }

    private const string Columns = "id AS Id, platform AS Platform, external_id AS ExternalId, name AS Name, locale AS Locale, time_zone AS TimeZone";
    private const string SelectById = $"SELECT {Columns} FROM workspaces WHERE id = @id";
    private const string SelectByExternal = $"SELECT {Columns} FROM workspaces WHERE platform = @platform AND external_id = @externalId";

    public Task<Workspace?> GetAsync(long id, CancellationToken ct = default) =>
        db.ReadAsync(c => c.QuerySingleOrDefaultAsync<Workspace>(new CommandDefinition(SelectById, new { id }, cancellationToken: ct)), ct);

    /// <summary>The reader's locale: their own choice, then the workspace's, then the platform's hint, then the configured default.</summary>
    public async Task<string> LocaleForAsync(Workspace workspace, string userId, string? hint, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        if (!_userLocales.TryGetValue((workspace.Id, userId), out var cached) || cached.Until <= now)
        {
            var stored = await db.ReadAsync(c => c.ExecuteScalarAsync<string?>(new CommandDefinition(
                "SELECT locale FROM user_settings WHERE workspace_id = @id AND user_id = @userId",
                new { id = workspace.Id, userId }, cancellationToken: ct)), ct);
            RememberUser(workspace.Id, userId, stored, now);
            cached = (stored, now);
        }
        return MessageCatalog.Normalize(cached.Locale) ?? ChannelLocale(workspace, hint);
    }

    /// <summary>Locale for what everybody in a channel reads.</summary>
    public string ChannelLocale(Workspace workspace, string? hint = null) =>
        MessageCatalog.Normalize(workspace.Locale) ?? MessageCatalog.Normalize(hint)
        ?? MessageCatalog.Normalize(options.Value.DefaultLocale) ?? MessageCatalog.Fallback;

    public async Task SetUserLocaleAsync(long workspaceId, string userId, string locale, CancellationToken ct = default)
    {
        await db.WriteAsync((c, tx) => c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO user_settings (workspace_id, user_id, locale, updated_at) VALUES (@workspaceId, @userId, @locale, @now)
            ON CONFLICT (workspace_id, user_id) DO UPDATE SET locale = excluded.locale, updated_at = excluded.updated_at
            """, new { workspaceId, userId, locale, now = Iso.Of(clock.GetUtcNow()) }, tx, cancellationToken: ct)), ct);
        _userLocales.TryRemove((workspaceId, userId), out _);
    }

    public async Task SetWorkspaceLocaleAsync(long workspaceId, string locale, CancellationToken ct = default)
    {
        await db.WriteAsync((c, tx) => c.ExecuteAsync(new CommandDefinition(
            "UPDATE workspaces SET locale = @locale, updated_at = @now WHERE id = @workspaceId",
            new { workspaceId, locale, now = Iso.Of(clock.GetUtcNow()) }, tx, cancellationToken: ct)), ct);
        foreach (var entry in _workspaces.Where(e => e.Value.Workspace.Id == workspaceId)) _workspaces.TryRemove(entry);
    }

    /// <summary>Configured maintainers count in every workspace; chat-added ones in their own.</summary>
    public async Task<bool> IsMaintainerAsync(long workspaceId, string userId, CancellationToken ct = default)
    {
        if (options.Value.Maintainers.Contains(userId, StringComparer.Ordinal)) return true;
        return await db.ReadAsync(c => c.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM maintainers WHERE workspace_id = @workspaceId AND user_id = @userId",
            new { workspaceId, userId }, cancellationToken: ct)), ct) > 0;
    }

    /// <summary>
    /// Adds a maintainer if <paramref name="addedBy"/> may (a maintainer, or anyone while the workspace has none);
    /// false when refused. Check and insert share one transaction on the single writer, so of many people racing to be
    /// the first maintainer exactly one is.
    /// </summary>
    public Task<bool> AddMaintainerAsync(long workspaceId, string userId, string addedBy, CancellationToken ct = default) =>
        db.WriteAsync(async (c, tx) =>
        {
            if (!await MayChangeMaintainersAsync(c, tx, workspaceId, addedBy, ct)) return false;
            await c.ExecuteAsync(new CommandDefinition("""
                INSERT INTO maintainers (workspace_id, user_id, added_by, added_at) VALUES (@workspaceId, @userId, @addedBy, @now)
                ON CONFLICT (workspace_id, user_id) DO NOTHING
                """, new { workspaceId, userId, addedBy, now = Iso.Of(clock.GetUtcNow()) }, tx, cancellationToken: ct));
            return true;
        }, ct);

    /// <summary>
    /// Null when <paramref name="removedBy"/> may not change the list; false when the person is a configured maintainer
    /// (change the config) or was not one.
    /// </summary>
    public Task<bool?> RemoveMaintainerAsync(long workspaceId, string userId, string removedBy, CancellationToken ct = default) =>
        db.WriteAsync(async (c, tx) =>
        {
            if (!await MayChangeMaintainersAsync(c, tx, workspaceId, removedBy, ct)) return (bool?)null;
            return await c.ExecuteAsync(new CommandDefinition(
                "DELETE FROM maintainers WHERE workspace_id = @workspaceId AND user_id = @userId",
                new { workspaceId, userId }, tx, cancellationToken: ct)) > 0;
        }, ct);

    private async Task<bool> MayChangeMaintainersAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction tx, long workspaceId,
                                                       string userId, CancellationToken ct)
    {
        var configured = options.Value.Maintainers;
        if (configured.Contains(userId, StringComparer.Ordinal)) return true;
        // PostgreSQL: changes to one workspace's list take turns (a lock held to the commit), so of several people racing to
        // be the first maintainer on several instances exactly one is, as on SQLite's single writer.
        if (_listLock is not null)
            await c.ExecuteAsync(new CommandDefinition(_listLock, new { key = AdvisoryLocks.Maintainers(workspaceId) }, tx, cancellationToken: ct));
        var (stored, isOne) = await c.QuerySingleAsync<(long, long)>(new CommandDefinition("""
            SELECT COUNT(*), COALESCE(SUM(CASE WHEN user_id = @userId THEN 1 ELSE 0 END), 0) FROM maintainers WHERE workspace_id = @workspaceId
            """, new { workspaceId, userId }, tx, cancellationToken: ct));
        return isOne > 0 || (stored == 0 && configured.Length == 0);
    }

    public Task<IReadOnlyList<string>> MaintainersAsync(long workspaceId, CancellationToken ct = default) =>
        db.ReadAsync(c => MaintainersAsync(c, null, workspaceId, ct), ct);

    /// <summary>The maintainers, read on the caller's connection: a write's work may not take a second pooled connection.</summary>
    public async Task<IReadOnlyList<string>> MaintainersAsync(DbConnection c, DbTransaction? tx, long workspaceId, CancellationToken ct = default)
    {
        var stored = await c.QueryAsync<string>(new CommandDefinition(
            "SELECT user_id FROM maintainers WHERE workspace_id = @workspaceId ORDER BY added_at", new { workspaceId }, tx, cancellationToken: ct));
        return options.Value.Maintainers.Concat(stored).Distinct(StringComparer.Ordinal).ToList();
    }
}

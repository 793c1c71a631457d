using System.Security.Cryptography;
using System.Text;
using Dapper;
using Microsoft.Extensions.Options;
using SpeBot.Core.Storage;

namespace SpeBot.Core.Dashboard;

/// <summary>Who a browser is: one person in one workspace, in their locale.</summary>
public sealed record DashboardSession(long WorkspaceId, string UserId, string Locale);

public enum LinkProblem { None, Unknown, Used, Expired }

/// <summary>
/// One-time sign-in links and the sessions they start. Tokens are 256 random bits; only their SHA-256 is stored,
/// so neither a database copy nor a log line of a hash can be replayed as a link or a cookie.
/// </summary>
public sealed class DashboardSessions(Database db, TimeProvider clock, IOptions<DashboardOptions> options)
{
    public async Task<string> CreateLinkAsync(long workspaceId, string userId, string locale, CancellationToken ct = default)
    {
        var token = NewToken();
        var now = clock.GetUtcNow();
        await db.WriteAsync((c, tx) => c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO dashboard_links (token_hash, workspace_id, user_id, locale, expires_at, created_at)
            VALUES (@hash, @workspaceId, @userId, @locale, @expires, @now)
            """, new { hash = Hash(token), workspaceId, userId, locale, expires = Iso.Of(now + DashboardOptions.LinkLifetime), now = Iso.Of(now) },
            tx, cancellationToken: ct)), ct);
        return token;
    }

    /// <summary>Uses the link up (whatever happens next) and starts a session; a reused, expired or unknown link starts none.</summary>
    public async Task<(string? SessionToken, DashboardSession? Session, LinkProblem Problem)> RedeemAsync(string token, CancellationToken ct = default)
    {
        if (!LooksLikeToken(token)) return (null, null, LinkProblem.Unknown);
        var hash = Hash(token);
        var session = NewToken();
        var now = clock.GetUtcNow();
        return await db.WriteAsync(async (c, tx) =>
        {
            var link = await c.QuerySingleOrDefaultAsync<LinkRow>(new CommandDefinition(
                "SELECT workspace_id AS WorkspaceId, user_id AS UserId, locale AS Locale, expires_at AS ExpiresAt, used_at AS UsedAt FROM dashboard_links WHERE token_hash = @hash",
                new { hash }, tx, cancellationToken: ct));
            if (link is null) return ((string?)null, (DashboardSession?)null, LinkProblem.Unknown);
            if (link.UsedAt is not null) return (null, null, LinkProblem.Used);
            if (Iso.Parse(link.ExpiresAt) <= now) return (null, null, LinkProblem.Expired);
            // Conditional, so two redeems at once on two instances (PostgreSQL) cannot both read "unused" and both win: the
            // second waits for the first's commit, then finds the link used.
            if (await c.ExecuteAsync(new CommandDefinition("UPDATE dashboard_links SET used_at = @now WHERE token_hash = @hash AND used_at IS NULL",
                    new { hash, now = Iso.Of(now) }, tx, cancellationToken: ct)) == 0)
                return (null, null, LinkProblem.Used);
            await c.ExecuteAsync(new CommandDefinition("""
                INSERT INTO dashboard_sessions (token_hash, workspace_id, user_id, locale, expires_at, created_at)
                VALUES (@hash, @WorkspaceId, @UserId, @Locale, @expires, @now)
                """, new
            {
                hash = Hash(session), link.WorkspaceId, link.UserId, link.Locale,
                expires = Iso.Of(now.AddHours(options.Value.SessionHours)), now = Iso.Of(now),
            }, tx, cancellationToken: ct));
            return (session, new DashboardSession(link.WorkspaceId, link.UserId, link.Locale), LinkProblem.None);
        }, ct);
    }

    public async Task<DashboardSession?> FindAsync(string? sessionToken, CancellationToken ct = default)
    {
        if (sessionToken is null || !LooksLikeToken(sessionToken)) return null;
        var row = await db.ReadAsync(c => c.QuerySingleOrDefaultAsync<SessionRow>(new CommandDefinition(
            "SELECT workspace_id AS WorkspaceId, user_id AS UserId, locale AS Locale, expires_at AS ExpiresAt FROM dashboard_sessions WHERE token_hash = @hash",
            new { hash = Hash(sessionToken) }, cancellationToken: ct)), ct);
        if (row is null || Iso.Parse(row.ExpiresAt) <= clock.GetUtcNow()) return null;
        return new DashboardSession(row.WorkspaceId, row.UserId, row.Locale);
    }

    public Task EndAsync(string sessionToken, CancellationToken ct = default) =>
        db.WriteAsync((c, tx) => c.ExecuteAsync(new CommandDefinition("DELETE FROM dashboard_sessions WHERE token_hash = @hash",
            new { hash = Hash(sessionToken) }, tx, cancellationToken: ct)), ct);

    private static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    // 32 bytes of base64url are 43 characters; anything else is not ours and never reaches the database.
    private static bool LooksLikeToken(string token) =>
        token.Length == 43 && token.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_');

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(token)));

    private sealed class LinkRow
    {
        public long WorkspaceId { get; init; }
        public string UserId { get; init; } = "";
        public string Locale { get; init; } = "en";
        public string ExpiresAt { get; init; } = "";
        public string? UsedAt { get; init; }
    }

    private sealed class SessionRow
    {
        public long WorkspaceId { get; init; }
        public string UserId { get; init; } = "";
        public string Locale { get; init; } = "en";
        public string ExpiresAt { get; init; } = "";
    }
}

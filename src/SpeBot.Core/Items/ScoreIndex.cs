using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using Dapper;
using Microsoft.Data.Sqlite;
using SpeBot.Core.Storage;

namespace SpeBot.Core.Items;

/// <summary>
/// Keeps each item's vote count and base_score (the time-free part of its score, <see cref="Scoring.Base"/>) on the
/// item, so reads never count votes and <c>top</c> reads an index. Vote paths call <see cref="AddVotesAsync"/> in the
/// vote's own transaction. On SQLite that changes the count only and base_score follows in the settle pass
/// (<see cref="RescoreStaleAsync"/>, migration 0015; <c>top</c> scores the items waiting for it from their counts);
/// on PostgreSQL both change together. <see cref="EnsureAsync"/> refills base_score when the configured weights differ
/// from the ones it was computed with (and fills it once after migration 0004).
/// </summary>
public static class ScoreIndex
{
    /// <summary>Changes the item's vote count by <paramref name="delta"/>, and on PostgreSQL its base_score with it.</summary>
    public static async Task AddVotesAsync(DbConnection c, DbTransaction tx, long itemId, long delta, ScoreWeights w, CancellationToken ct)
    {
        if (delta == 0) return;
        // One statement, prepared once on the writer connection: the count and the base change in one row write (two
        // statements, the first with RETURNING, cost the writer about one more statement per vote). The base comes from
        // Scoring.Base itself, registered as a SQL function, so it is exactly the value every other path stores (SQL's
        // own pow is not in every SQLite build); PostgreSQL has it as an IMMUTABLE SQL function from migration 0004 that
        // gives the same value. In SET, votes is the old value, hence votes + @delta twice.
        if (c is SqliteConnection)
        {
            // SQLite: the count alone; tr_items_stale_score lists the item for the settle pass (migration 0015).
            await c.RunAsync(tx, "UPDATE items SET votes = votes + @delta WHERE id = @id", ct, ("@delta", delta), ("@id", itemId));
            return;
        }
        await c.RunAsync(tx, $"""
            UPDATE items SET votes = votes + @delta,
                             base_score = {BaseFunction}(votes + @delta, impact, effort, @wv, @wi, @we)
            WHERE id = @id
            """, ct, ("@delta", delta), ("@wv", w.Votes), ("@wi", w.Impact), ("@we", w.Effort), ("@id", itemId));
    }

    /// <summary>
    /// SQLite: sets the item's vote count to <paramref name="votes"/>, for a caller that read the count in this
    /// transaction (the reaction vote reads it with the card; SQLite's single writer changes it alone). base_score follows
    /// in the settle pass (migration 0015): moving the item's entry in ix_items_open_score on every vote cost the writer
    /// about 5 µs.
    /// </summary>
    public static Task SetVotesAsync(DbConnection c, DbTransaction tx, long itemId, long votes, CancellationToken ct) =>
        c.RunAsync(tx, "UPDATE items SET votes = @votes WHERE id = @id", ct, ("@votes", votes), ("@id", itemId));

    /// <summary>
    /// Rewrites base_score of the items a vote listed in stale_scores (SQLite, migration 0015), from their counts now,
    /// and empties the list; returns how many. Part of the settle pass, on the writer.
    /// </summary>
    public static async Task<int> RescoreStaleAsync(DbConnection c, DbTransaction tx, ScoreWeights w, CancellationToken ct)
    {
        RegisterBaseFunction(c);
        var n = await c.RunAsync(tx, $"""
            UPDATE items SET base_score = {BaseFunction}(votes, impact, effort, @wv, @wi, @we)
            WHERE id IN (SELECT item_id FROM stale_scores)
            """, ct, ("@wv", w.Votes), ("@wi", w.Impact), ("@we", w.Effort));
        if (n > 0) await c.RunAsync(tx, "DELETE FROM stale_scores", ct);
        return n;
    }

    private const string BaseFunction = "spebot_base_score";
    private static readonly ConditionalWeakTable<DbConnection, object> Registered = new();

    /// <summary>
    /// Registers <see cref="Scoring.Base"/> as a deterministic SQL function on this connection, once (the weights are
    /// arguments, so one registration serves any configuration).
    /// </summary>
    internal static void RegisterBaseFunction(DbConnection c)
    {
        if (Registered.TryGetValue(c, out _)) return;
        var sqlite = c as SqliteConnection ?? throw new NotSupportedException($"The base score function is SQLite's; {c.GetType().Name} is not a SQLite connection.");
        sqlite.CreateFunction(BaseFunction, (long votes, long? impact, long? effort, double wv, double wi, double we) =>
            Scoring.Base(votes, (int?)impact, (int?)effort, wv, wi, we), isDeterministic: true);
        Registered.AddOrUpdate(c, BaseFunction);
    }

    public static string Basis(ScoreWeights w) =>
        string.Join(';', new[] { w.Votes, w.Impact, w.Effort }.Select(x => x.ToString("R", CultureInfo.InvariantCulture)));

    /// <summary>
    /// Recomputes every item's base_score if it was computed with other weights. Returns the items rescored (0 when
    /// current). One statement, from each row's count as it is when the row is written: on PostgreSQL a vote from another
    /// instance that holds a row makes the update wait and then read its new count, where a base computed from an earlier
    /// read of the counts would have undone that vote's score.
    /// </summary>
    public static Task<int> EnsureAsync(Database db, ScoreWeights w, TimeProvider clock, CancellationToken ct = default) =>
        db.WriteAsync(async (c, tx) =>
        {
            var basis = Basis(w);
            var stored = await c.ExecuteScalarAsync<string?>(new CommandDefinition("SELECT weights FROM score_basis WHERE id = 1",
                transaction: tx, cancellationToken: ct));
            if (stored == basis) return 0;
            if (c is SqliteConnection) RegisterBaseFunction(c);
            var rescored = await c.RunAsync(tx, $"UPDATE items SET base_score = {BaseFunction}(votes, impact, effort, @wv, @wi, @we)", ct,
                ("@wv", w.Votes), ("@wi", w.Impact), ("@we", w.Effort));
            await c.ExecuteAsync(new CommandDefinition("""
                INSERT INTO score_basis (id, weights, updated_at) VALUES (1, @basis, @now)
                ON CONFLICT (id) DO UPDATE SET weights = excluded.weights, updated_at = excluded.updated_at
                """, new { basis, now = Iso.Of(clock.GetUtcNow()) }, tx, cancellationToken: ct));
            return rescored;
        }, ct);
}

using System.Data.Common;
using Dapper;
using SpeBot.Core.Storage;

namespace SpeBot.Core.Outbox;

/// <summary>
/// PostgreSQL: many posts queued in one statement, for a batch of proposals (<see cref="Items.ProposalBatch"/>), with the
/// semantics of <see cref="OutboxStore.EnqueueAsync"/> for rows that do not coalesce (a row whose key exists is left as
/// it is). Rows get their ids in the order given, which is the per-channel send order.
/// </summary>
public static class OutboxBulk
{
    public static Task EnqueueManyAsync(this DbConnection c, DbTransaction tx, IReadOnlyList<(OutboundMessage Message, string? TraceParent)> rows,
                                        DateTimeOffset now, CancellationToken ct)
    {
        if (rows.Any(r => r.Message.Coalesce)) throw new ArgumentException("Coalescing rows go through OutboxStore.EnqueueAsync.", nameof(rows));
        return c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO outbox (platform, workspace_id, channel_id, kind, body, dedupe_key, status, next_attempt_at, created_at, trace_parent)
            SELECT t.platform, t.workspace_id, t.channel_id, t.kind, t.body, t.dedupe_key, 'pending', t.due, @now, t.trace
            FROM unnest(@platforms, @workspaceIds, @channels, @kinds, @bodies, @keys, @dues, @traces)
                   WITH ORDINALITY AS t(platform, workspace_id, channel_id, kind, body, dedupe_key, due, trace, ord)
            ORDER BY t.ord
            ON CONFLICT (dedupe_key) DO NOTHING
            """, new
            {
                now = Iso.Of(now),
                platforms = rows.Select(r => r.Message.Platform.Wire()).ToArray(),
                workspaceIds = rows.Select(r => r.Message.WorkspaceId).ToArray(),
                channels = rows.Select(r => r.Message.ChannelId).ToArray(),
                kinds = rows.Select(r => r.Message.Kind).ToArray(),
                bodies = rows.Select(r => r.Message.Body.Serialize()).ToArray(),
                keys = rows.Select(r => r.Message.DedupeKey).ToArray(),
                dues = rows.Select(r => Iso.Of(now + r.Message.Delay)).ToArray(),
                traces = rows.Select(r => r.TraceParent).ToArray(),
            }, tx, cancellationToken: ct));
    }

    /// <summary>The queuing request's span while traces are exported (as <see cref="OutboxStore.EnqueueAsync"/> records it).</summary>
    public static string? TraceParent() =>
        Telemetry.Source.HasListeners() && System.Diagnostics.Activity.Current is { IdFormat: System.Diagnostics.ActivityIdFormat.W3C } a ? a.Id : null;
}

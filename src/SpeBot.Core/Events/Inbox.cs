using System.Data.Common;
using SpeBot.Core.Storage;

namespace SpeBot.Core.Events;

/// <summary>Platform events already applied, so retries and duplicate deliveries never apply twice.</summary>
public sealed class Inbox(TimeProvider clock)
{
    /// <summary>Records the event inside the caller's transaction; false when it was seen before.</summary>
    /// <remarks>Rows changed, not RETURNING: RETURNING makes SQLite collect its rows in a temporary table on every event.</remarks>
    public async Task<bool> TryRecordAsync(DbConnection c, DbTransaction tx, Platform platform, string eventKey, CancellationToken ct) =>
        await c.RunAsync(tx, """
            INSERT INTO inbox (platform, event_key, received_at) VALUES (@p, @eventKey, @now)
            ON CONFLICT (platform, event_key) DO NOTHING
            """, ct, ("@p", platform.Wire()), ("@eventKey", eventKey), ("@now", Iso.Of(clock.GetUtcNow()))) > 0;
}

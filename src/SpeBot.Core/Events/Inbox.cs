using System.Data.Common;
using SpeBot.Core.Storage;

namespace SpeBot.Core.Events;

/// <summary>Platform events already applied, so retries and duplicate deliveries never apply twice.</summary>
public sealed class Inbox(TimeProvider clock)
{
    /// <summary>Records the event inside the caller's transaction; false when it was seen before.</summary>
    public async Task<bool> TryRecordAsync(DbConnection c, DbTransaction tx, Platform platform, string eventKey, CancellationToken ct) =>
        await c.ScalarAsync(tx, """
            INSERT INTO inbox (platform, event_key, received_at) VALUES (@p, @eventKey, @now)
            ON CONFLICT (platform, event_key) DO NOTHING
            RETURNING 1
            """, ct, ("@p", platform.Wire()), ("@eventKey", eventKey), ("@now", Iso.Of(clock.GetUtcNow()))) is not null;
}

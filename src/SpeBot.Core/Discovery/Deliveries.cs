using Dapper;
using SpeBot.Core.Storage;

namespace SpeBot.Core.Discovery;

/// <summary>
/// Webhook deliveries already taken (GitHub's X-GitHub-Delivery), kept in the inbox table under platform 'github', so a
/// redelivery is applied once: a closed-then-reopened issue must not be closed again by a late copy of the first event.
/// </summary>
public sealed class Deliveries(Database db, TimeProvider clock)
{
    public const string Platform = "github";

    /// <summary>False when the delivery was seen before.</summary>
    public Task<bool> TryRecordAsync(string deliveryId, CancellationToken ct = default) =>
        db.WriteAsync(async (c, tx) => await c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO inbox (platform, event_key, received_at) VALUES (@Platform, @deliveryId, @now)
            ON CONFLICT (platform, event_key) DO NOTHING
            """, new { Platform, deliveryId, now = Iso.Of(clock.GetUtcNow()) }, tx, cancellationToken: ct)) > 0, ct);

    /// <summary>Processing failed: forget it, so GitHub's redelivery is applied.</summary>
    public Task ForgetAsync(string deliveryId, CancellationToken ct = default) =>
        db.WriteAsync((c, tx) => c.ExecuteAsync(new CommandDefinition(
            "DELETE FROM inbox WHERE platform = @Platform AND event_key = @deliveryId", new { Platform, deliveryId }, tx, cancellationToken: ct)), ct);
}

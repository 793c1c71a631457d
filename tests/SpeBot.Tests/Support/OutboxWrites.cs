using SpeBot.Core.Outbox;
using SpeBot.Core.Storage;

namespace SpeBot.Tests.Support;

public static class OutboxWrites
{
    /// <summary>Queues one outbound message in a transaction of its own, as a handler's commit would.</summary>
    public static Task EnqueueAloneAsync(this OutboxStore outbox, Database db, OutboundMessage message) =>
        db.WriteAsync(async (c, tx) =>
        {
            await outbox.EnqueueAsync(c, tx, message, CancellationToken.None);
            return 0;
        });
}

using System.Data.Common;
using System.Globalization;

namespace SpeBot.Core.Outbox;

/// <summary>Catalog messages to one person (ephemeral in a channel, or a DM), rendered at send time in their locale.</summary>
public sealed class Notices(OutboxStore outbox)
{
    public Task EnqueueAsync(DbConnection c, DbTransaction tx, Platform platform, long workspaceId, string channelId, string userId,
                             Message message, string dedupeKey, bool ephemeral, CancellationToken ct, string? locale = null) =>
        outbox.EnqueueAsync(c, tx, new OutboundMessage(platform, workspaceId, channelId, OutboxKinds.Notice,
            Body(message, userId, locale, ephemeral), dedupeKey), ct);

    public static OutboundBody Body(Message message, string userId, string? locale, bool ephemeral)
    {
        var args = new Dictionary<string, string>();
        var mentions = new List<string>();
        foreach (var (k, v) in message.Args ?? [])
        {
            if (v is UserRef u)
            {
                mentions.Add(k);
                args[k] = u.Id;
            }
            else
            {
                args[k] = v switch { IFormattable f => f.ToString(null, CultureInfo.InvariantCulture), _ => v?.ToString() ?? "" };
            }
        }
        return new OutboundBody { UserId = userId, Locale = locale, Key = message.Key, Args = args, Mentions = [.. mentions], Ephemeral = ephemeral };
    }
}

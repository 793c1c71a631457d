using SpeBot.Core;
using SpeBot.Core.Discovery;
using SpeBot.Core.Items;
using SpeBot.Core.Outbox;
using SpeBot.Host.Slack;

namespace SpeBot.Host.Discovery;

/// <summary>A Slack item's link back is its card (chat.getPermalink); others, or a card not posted yet, fall back to the source link.</summary>
internal sealed class SlackItemLinks(PostedMessageStore posted, SlackWebApi api) : IItemLinks
{
    public async Task<string?> LinkAsync(Item item, CancellationToken ct = default)
    {
        if (item.AuthorPlatform == Platform.Slack.Wire()
            && (await posted.CardsOfAsync(item.Id, ct)).FirstOrDefault(m => m.Platform == "slack") is { } card)
        {
            try
            {
                if (await api.GetPermalinkAsync(card.ChannelId, card.MessageId, ct) is { } link) return link;
            }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                // The issue is still worth creating without the link.
            }
        }
        return item.SourcePermalink;
    }
}

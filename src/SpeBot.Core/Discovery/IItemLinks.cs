using SpeBot.Core.Items;

namespace SpeBot.Core.Discovery;

/// <summary>A link back to an item for text posted outside chat (a GitHub issue): its card where the platform can say.</summary>
public interface IItemLinks
{
    Task<string?> LinkAsync(Item item, CancellationToken ct = default);
}

/// <summary>Without a platform that can link a card: the item's own source link, if any.</summary>
internal sealed class SourceLinks : IItemLinks
{
    public Task<string?> LinkAsync(Item item, CancellationToken ct = default) => Task.FromResult(item.SourcePermalink);
}

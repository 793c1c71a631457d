using System.Text.Json.Nodes;
using SpeBot.Core;

namespace SpeBot.Host.Slack;

/// <summary>The App Home tab: my proposals, my claims, the top open items, each with its buttons.</summary>
public sealed class SlackHome(SlackRenderer renderer)
{
    public const int PerSection = 10;

    public JsonObject View(IReadOnlyList<ItemView> mine, IReadOnlyList<ItemView> claims, IReadOnlyList<ItemView> top, string locale)
    {
        var blocks = new List<JsonObject>();
        Section("home.mine", mine);
        Section("home.claims", claims);
        Section("home.top", top);
        return new JsonObject { ["type"] = "home", ["blocks"] = BlockKit.Limit(blocks, BlockKit.MaxViewBlocks) };

        void Section(string key, IReadOnlyList<ItemView> views)
        {
            blocks.Add(BlockKit.Header(renderer.T(locale, new Message(key))));
            if (views.Count == 0) blocks.Add(BlockKit.Context(renderer.T(locale, new Message("list.empty"))));
            var (_, rendered) = renderer.Render(new Reply { Items = views.Take(PerSection).ToList(), Locale = locale, Lines = [] });
            foreach (var b in rendered) if (views.Count > 0) blocks.Add((JsonObject)b!.DeepClone());
            blocks.Add(BlockKit.Divider());
        }
    }
}

namespace SpeBot.Core.Items;

/// <summary>The SPE categories: the kinds of maintenance no alert asks for.</summary>
public static class Category
{
    public const string Other = "other";

    /// <summary>Lifecycle covers major upgrades, TODO/FIXME and end-of-life work.</summary>
    public static readonly IReadOnlyList<string> All =
        ["measurement", "performance", "security", "cost", "esg", "productivity", "lifecycle", "toil", Other];

    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["perf"] = "performance", ["sec"] = "security", ["monitoring"] = "measurement", ["metrics"] = "measurement",
        ["upgrade"] = "lifecycle", ["eol"] = "lifecycle", ["todo"] = "lifecycle", ["fixme"] = "lifecycle",
        ["finops"] = "cost", ["green"] = "esg", ["dx"] = "productivity", ["ci"] = "productivity",
    };

    public static bool TryNormalize(string? text, out string category)
    {
        category = Other;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var t = text.Trim().TrimStart('#');
        foreach (var c in All)
        {
            if (string.Equals(c, t, StringComparison.OrdinalIgnoreCase))
            {
                category = c;
                return true;
            }
        }
        if (Aliases.TryGetValue(t, out var alias))
        {
            category = alias;
            return true;
        }
        return false;
    }
}

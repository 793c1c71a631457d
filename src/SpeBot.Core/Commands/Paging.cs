using SpeBot.Core.Items;

namespace SpeBot.Core.Commands;

/// <summary>Lists are cut into pages that fit one Slack message (two blocks per item, 50 blocks at most).</summary>
public static class Paging
{
    public const int PageSize = 10;

    /// <summary>Removes a <c>page:N</c> word from the arguments and returns N (1 when absent or invalid).</summary>
    public static (int Page, List<Token> Words) Take(IReadOnlyList<Token> args)
    {
        var page = 1;
        var rest = new List<Token>();
        foreach (var t in args)
        {
            if (!t.Quoted && t.Text.StartsWith("page:", StringComparison.OrdinalIgnoreCase)
                && int.TryParse(t.Text.AsSpan(5), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= 1)
                page = Math.Min(n, 10_000);
            else
                rest.Add(t);
        }
        return (page, rest);
    }

    /// <summary>One page of <paramref name="all"/> with a header line, and the command for the next page when there is one.</summary>
    public static Reply Reply(IReadOnlyList<ItemView> all, int page, string commandWithoutPage, string headerKey = "list.header")
    {
        if (all.Count == 0) return Core.Reply.Text("list.empty");
        var pages = (all.Count + PageSize - 1) / PageSize;
        page = Math.Min(page, pages);
        var items = all.Skip((page - 1) * PageSize).Take(PageSize).ToList();
        var next = page < pages ? $"{commandWithoutPage} page:{page + 1}".Trim() : null;
        return new Reply
        {
            Lines = [new Message(headerKey, new() { ["count"] = all.Count, ["page"] = page, ["pages"] = pages })],
            Items = items,
            NextPage = next,
        };
    }

    /// <summary>A page read by the store (<see cref="ItemQueries.PageAsync"/>), with the same header and next-page command.</summary>
    public static Reply Reply(ItemQueries.Page found, string commandWithoutPage, string headerKey = "list.header")
    {
        if (found.Total == 0) return Core.Reply.Text("list.empty");
        var next = found.Number < found.Pages ? $"{commandWithoutPage} page:{found.Number + 1}".Trim() : null;
        return new Reply
        {
            Lines = [new Message(headerKey, new() { ["count"] = found.Total, ["page"] = found.Number, ["pages"] = found.Pages })],
            Items = found.Items,
            NextPage = next,
        };
    }

    /// <summary>Command text that reproduces the given words (quoted words stay quoted).</summary>
    public static string Join(string verb, IEnumerable<Token> args) =>
        string.Join(' ', new[] { verb }.Concat(args.Select(t => t.Quoted || t.Text.Any(char.IsWhiteSpace) ? $"\"{t.Text.Replace("\"", "", StringComparison.Ordinal)}\"" : t.Text)));
}

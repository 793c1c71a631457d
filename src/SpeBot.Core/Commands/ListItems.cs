using SpeBot.Core.Items;

namespace SpeBot.Core.Commands;

/// <summary><c>/spe list [status|open|all] [#category] [@user] [page:N]</c>: open items by default, newest first.</summary>
public sealed class ListItems(ItemQueries queries) : ICommandHandler
{
    public string Verb => "list";

    public async Task<Reply> HandleAsync(CommandContext context, CancellationToken ct)
    {
        var (page, args) = Paging.Take(context.Parsed.Args);
        var statuses = new List<string>();
        string? category = null, user = null;
        foreach (var t in args)
        {
            var w = t.Text;
            if (w.Equals("all", StringComparison.OrdinalIgnoreCase))
                statuses.AddRange(Enum.GetValues<ItemStatus>().Select(s => s.Wire()));
            else if (w.Equals("open", StringComparison.OrdinalIgnoreCase))
                statuses.AddRange(["proposed", "accepted", "in_progress"]);
            else if (ItemLifecycle.TryParse(w, out var status))
                statuses.Add(status.Wire());
            else if (w.StartsWith('#') && Category.TryNormalize(w, out var c))
                category = c;
            else if (Mention.TryParse(w, out var id))
                user = id;
            else
                return Reply.Of(new Message("list.unknown_filter", new() { ["word"] = w }), "help.list");
        }
        var found = await queries.PageAsync(context.Workspace.Id,
            new ItemQueries.Filter(statuses.Count == 0 ? null : statuses.Distinct().ToList(), category, user), page, Paging.PageSize, ct);
        return Paging.Reply(found, Paging.Join(Verb, args));
    }
}

/// <summary>The core's neutral mention form, &lt;@ID&gt;, which adapters produce from their own markup.</summary>
public static class Mention
{
    public static bool TryParse(string text, out string userId)
    {
        userId = "";
        if (text.Length < 4 || !text.StartsWith("<@", StringComparison.Ordinal) || !text.EndsWith('>')) return false;
        var id = text[2..^1];
        if (id.Length == 0 || !id.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' or ':')) return false;
        userId = id;
        return true;
    }
}

using SpeBot.Core.Items;

namespace SpeBot.Core.Commands;

/// <summary><c>/spe search &lt;words&gt; [page:N]</c>: every word in the title or detail, any status.</summary>
public sealed class SearchItems(ItemQueries queries) : ICommandHandler
{
    public const int MaxWords = 8;

    public string Verb => "search";

    public async Task<Reply> HandleAsync(CommandContext context, CancellationToken ct)
    {
        var (page, args) = Paging.Take(context.Parsed.Args);
        var words = args.Select(t => t.Text.Trim()).Where(w => w.Length > 0).Take(MaxWords).ToList();
        if (words.Count == 0) return Reply.Text("search.usage");
        var found = await queries.SearchPageAsync(context.Workspace.Id, words, page, Paging.PageSize, ct);
        return Paging.Reply(found, Paging.Join(Verb, args));
    }
}

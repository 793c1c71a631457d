using SpeBot.Core.Items;

namespace SpeBot.Core.Commands;

/// <summary><c>/spe mine</c>: your open proposals and your claims.</summary>
public sealed class MyItems(ItemQueries queries) : ICommandHandler
{
    public string Verb => "mine";

    public async Task<Reply> HandleAsync(CommandContext context, CancellationToken ct)
    {
        var (proposed, claimed) = await queries.MineAsync(context.Workspace.Id, context.UserId, ct);
        if (proposed.Count == 0 && claimed.Count == 0) return Reply.Text("mine.empty");
        // Claims first: they are what the person owes; then proposals, within one message's limits.
        var items = claimed.Concat(proposed.Where(p => claimed.All(c => c.Item.Id != p.Item.Id))).Take(Paging.PageSize * 2).ToList();
        return new Reply
        {
            Lines = [new Message("mine.header", new() { ["claimed"] = claimed.Count, ["proposed"] = proposed.Count })],
            Items = items,
        };
    }
}

using SpeBot.Core.Items;

namespace SpeBot.Core.Commands;

/// <summary><c>/spe top [n]</c>: the open items with the highest score (n from 1 to 20, default 10).</summary>
public sealed class TopItems(ItemQueries queries) : ICommandHandler
{
    public const int Max = 20;

    public string Verb => "top";

    public async Task<Reply> HandleAsync(CommandContext context, CancellationToken ct)
    {
        var n = Paging.PageSize;
        var args = context.Parsed.Args;
        if (args.Count > 0 && (!int.TryParse(args[0].Text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out n) || n < 1))
            return Reply.Text("top.usage", new() { ["max"] = Max });
        var top = await queries.TopAsync(context.Workspace.Id, Math.Min(n, Max), ct);
        if (top.Count == 0) return Reply.Text("list.empty");
        return new Reply { Lines = [new Message("top.header", new() { ["count"] = top.Count })], Items = top };
    }
}

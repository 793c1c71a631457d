using SpeBot.Core.Items;

namespace SpeBot.Core.Commands;

/// <summary><c>/spe show SPE-12</c>: the item, its detail and evidence, and its latest history.</summary>
public sealed class ShowItem(ItemStore items, ItemQueries queries) : ICommandHandler
{
    public const int HistoryLines = 10;

    public string Verb => "show";

    public async Task<Reply> HandleAsync(CommandContext context, CancellationToken ct)
    {
        var args = context.Parsed.Args;
        if (args.Count == 0 || !ItemRef.TryParse(args[0].Text, out var number)) return Reply.Text("show.usage");
        var item = await items.GetByNumberAsync(context.Workspace.Id, number, ct);
        if (item is null) return Reply.Text("error.not_found", new() { ["ref"] = ItemRef.Format(number) });

        var lines = new List<Message>();
        if (item.Detail is not null) lines.Add(new Message("show.detail", new() { ["detail"] = item.Detail }));
        if (item.Evidence is not null) lines.Add(new Message("show.evidence", new() { ["evidence"] = item.Evidence }));
        if (item.DeclineReason is not null) lines.Add(new Message("show.declined", new() { ["reason"] = item.DeclineReason }));
        var events = await items.RecentEventsAsync(item.Id, HistoryLines, ct);
        lines.Add("show.history");
        foreach (var e in events)
        {
            lines.Add(new Message("show.event", new()
            {
                ["at"] = e.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture),
                ["actor"] = new UserRef(e.ActorId),
                ["action"] = new KeyRef($"event.{e.Action}"),
                ["detail"] = e.Detail ?? "",
            }));
        }
        return new Reply { Items = [queries.View(item)], Lines = lines };
    }
}

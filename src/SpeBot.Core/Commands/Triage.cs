using SpeBot.Core.Items;

namespace SpeBot.Core.Commands;

/// <summary>Shared reading of "&lt;verb&gt; SPE-n [rest]" for the lifecycle verbs.</summary>
internal static class ItemArgs
{
    public static Actor Actor(this CommandContext c) =>
        new(c.Command.Platform, c.Workspace.Id, c.UserId, c.Command.ChannelId);

    /// <summary>The item number in the first word, and the rest of the text after it (quotes kept as typed).</summary>
    public static bool TryItem(CommandContext c, out long number, out string rest)
    {
        rest = "";
        var args = c.Parsed.Args;
        if (args.Count == 0 || !ItemRef.TryParse(args[0].Text, out number))
        {
            number = 0;
            return false;
        }
        var text = c.Parsed.Rest;
        var at = text.IndexOf(args[0].Text, StringComparison.Ordinal);
        rest = at < 0 ? string.Join(' ', args.Skip(1).Select(t => t.Text)) : text[(at + args[0].Text.Length)..].Trim();
        if (rest.Length >= 2 && rest[0] == '"' && rest[^1] == '"') rest = rest[1..^1];
        return true;
    }
}

/// <summary>
/// A verb of the form <c>&lt;verb&gt; SPE-n [text]</c> that is one Lifecycle call; the routing table
/// (CoreServiceCollectionExtensions) lists each one with its call. Permissions live in Lifecycle.
/// </summary>
public sealed class ItemVerb(string verb, bool needsText, Func<Actor, long, string, CancellationToken, Task<Message>> act) : ICommandHandler
{
    public string Verb => verb;

    public async Task<Reply> HandleAsync(CommandContext c, CancellationToken ct) =>
        ItemArgs.TryItem(c, out var n, out var text) && (!needsText || text.Length > 0)
            ? Reply.Of(await act(c.Actor(), n, text, ct))
            : Reply.Text($"help.{verb}");
}

/// <summary><c>/spe merge SPE-a into SPE-b</c> (maintainers): a becomes a duplicate of b and its votes move.</summary>
public sealed class Merge(Lifecycle lifecycle) : ICommandHandler
{
    public string Verb => "merge";

    public async Task<Reply> HandleAsync(CommandContext c, CancellationToken ct)
    {
        var words = c.Parsed.Args.Select(t => t.Text).Where(w => !w.Equals("into", StringComparison.OrdinalIgnoreCase) && w != "→").ToList();
        if (words.Count != 2 || !ItemRef.TryParse(words[0], out var source) || !ItemRef.TryParse(words[1], out var target))
            return Reply.Text("help.merge");
        return Reply.Of(await lifecycle.MergeAsync(c.Actor(), source, target, ct));
    }
}

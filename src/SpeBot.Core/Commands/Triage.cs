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

/// <summary><c>/spe accept SPE-n</c> (maintainers).</summary>
public sealed class Accept(Lifecycle lifecycle) : ICommandHandler
{
    public string Verb => "accept";

    public async Task<Reply> HandleAsync(CommandContext c, CancellationToken ct) =>
        ItemArgs.TryItem(c, out var n, out _) ? Reply.Of(await lifecycle.AcceptAsync(c.Actor(), n, ct)) : Reply.Text("help.accept");
}

/// <summary><c>/spe decline SPE-n &lt;reason&gt;</c> (maintainers; the reason is required and shown on the item).</summary>
public sealed class Decline(Lifecycle lifecycle) : ICommandHandler
{
    public string Verb => "decline";

    public async Task<Reply> HandleAsync(CommandContext c, CancellationToken ct) =>
        ItemArgs.TryItem(c, out var n, out var reason) && reason.Length > 0
            ? Reply.Of(await lifecycle.DeclineAsync(c.Actor(), n, reason, ct))
            : Reply.Text("help.decline");
}

/// <summary><c>/spe withdraw SPE-n</c>: the author takes back their own proposal.</summary>
public sealed class Withdraw(Lifecycle lifecycle) : ICommandHandler
{
    public string Verb => "withdraw";

    public async Task<Reply> HandleAsync(CommandContext c, CancellationToken ct) =>
        ItemArgs.TryItem(c, out var n, out _) ? Reply.Of(await lifecycle.WithdrawAsync(c.Actor(), n, ct)) : Reply.Text("help.withdraw");
}

/// <summary><c>/spe reopen SPE-n</c> (maintainers).</summary>
public sealed class Reopen(Lifecycle lifecycle) : ICommandHandler
{
    public string Verb => "reopen";

    public async Task<Reply> HandleAsync(CommandContext c, CancellationToken ct) =>
        ItemArgs.TryItem(c, out var n, out _) ? Reply.Of(await lifecycle.ReopenAsync(c.Actor(), n, ct)) : Reply.Text("help.reopen");
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

using System.Globalization;
using Microsoft.Extensions.Options;
using SpeBot.Core.Commands;
using SpeBot.Core.Workspaces;

namespace SpeBot.Core.Discovery;

/// <summary><c>/spe watch https://host[:port]</c> (maintainers): the daily check connects to it; its findings go to this channel.</summary>
public sealed class WatchCommand(WatchStore store, WorkspaceStore workspaces, IOptions<WatchOptions> options) : ICommandHandler
{
    public string Verb => "watch";

    public async Task<Reply> HandleAsync(CommandContext c, CancellationToken ct)
    {
        if (!WatchTarget.TryParse(c.Parsed.Args, out var host, out var port)) return Reply.Text("help.watch");
        if (!await workspaces.IsMaintainerAsync(c.Workspace.Id, c.UserId, ct)) return await Refuse.MaintainersAsync(workspaces, c.Workspace.Id, ct);
        if (await store.CountAsync(c.Workspace.Id, ct) >= options.Value.MaxEndpoints)
            return Reply.Text("watch.too_many", new() { ["max"] = options.Value.MaxEndpoints });
        var name = port == 443 ? host : $"{host}:{port}";
        return await store.AddAsync(c.Workspace.Id, c.Command.ChannelId, host, port, c.UserId, ct)
            ? Reply.Text("watch.added", new() { ["host"] = name, ["days"] = options.Value.CertDays })
            : Reply.Text("watch.already", new() { ["host"] = name });
    }
}

/// <summary><c>/spe unwatch https://host[:port]</c> (maintainers).</summary>
public sealed class UnwatchCommand(WatchStore store, WorkspaceStore workspaces) : ICommandHandler
{
    public string Verb => "unwatch";

    public async Task<Reply> HandleAsync(CommandContext c, CancellationToken ct)
    {
        if (!WatchTarget.TryParse(c.Parsed.Args, out var host, out var port)) return Reply.Text("help.unwatch");
        if (!await workspaces.IsMaintainerAsync(c.Workspace.Id, c.UserId, ct)) return await Refuse.MaintainersAsync(workspaces, c.Workspace.Id, ct);
        var name = port == 443 ? host : $"{host}:{port}";
        return Reply.Text(await store.RemoveAsync(c.Workspace.Id, host, port, ct) ? "unwatch.done" : "unwatch.not_watched", new() { ["host"] = name });
    }
}

/// <summary><c>/spe watches</c>: each endpoint with its last result; connection failures show here, never as proposals.</summary>
public sealed class WatchesCommand(WatchStore store, TimeProvider clock) : ICommandHandler
{
    public string Verb => "watches";

    public async Task<Reply> HandleAsync(CommandContext c, CancellationToken ct)
    {
        var list = await store.ListAsync(c.Workspace.Id, ct);
        if (list.Count == 0) return Reply.Text("watches.none");
        var lines = new List<Message> { new("watches.title", new() { ["count"] = list.Count }) };
        var now = clock.GetUtcNow();
        foreach (var e in list)
        {
            lines.Add(e switch
            {
                { CheckedAt: null } => new Message("watches.pending", new() { ["host"] = e.Name }),
                { Error: not null } => new Message("watches.failed", new() { ["host"] = e.Name, ["error"] = e.Error, ["at"] = Day(e.CheckedAt!.Value) }),
                _ => new Message("watches.ok", new()
                {
                    ["host"] = e.Name,
                    ["expires"] = e.NotAfter is { } na ? Day(na) : "?",
                    ["days"] = e.NotAfter is { } n ? (int)Math.Ceiling((n - now).TotalDays) : 0,
                    ["versions"] = string.IsNullOrEmpty(e.TlsVersions) ? "–" : string.Join(", ", e.TlsVersions.Split(',').Select(v => "TLS " + v)),
                    ["at"] = Day(e.CheckedAt!.Value),
                }),
            });
        }
        return Reply.Of([.. lines]);
    }

    private static string Day(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>The endpoint in <c>https://host[:port]</c>; a path, a query or another scheme is refused.</summary>
internal static class WatchTarget
{
    public static bool TryParse(IReadOnlyList<Token> args, out string host, out int port)
    {
        host = "";
        port = 0;
        if (args.Count != 1) return false;
        var text = args[0].Text.Trim().TrimStart('<').TrimEnd('>');
        if (text.IndexOf('|', StringComparison.Ordinal) is var bar and >= 0) text = text[..bar];
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps || uri.Host.Length == 0
            || uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.UserInfo.Length > 0) return false;
        host = uri.IdnHost.ToLowerInvariant();
        port = uri.Port;
        return true;
    }
}

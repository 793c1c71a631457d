using Microsoft.Extensions.Logging;
using SpeBot.Core.Workspaces;

namespace SpeBot.Core.Commands;

/// <summary>
/// The routing table: verb → handler. Unknown verbs and unparseable text get the help reply, never an exception.
/// </summary>
public sealed partial class CommandRouter
{
    /// <summary>Order of the verbs in help; verbs not listed follow alphabetically.</summary>
    private static readonly string[] HelpOrder =
        ["propose", "list", "top", "show", "search", "mine", "accept", "decline", "withdraw", "merge", "reopen", "claim", "release",
         "assign", "update", "done", "log", "pledge", "capacity", "digest", "retro", "oncall", "note", "handoff", "nudges", "schedule",
         "schedules", "unschedule", "track", "watch", "watches", "unwatch", "mute", "unmute", "export", "dashboard", "maintainers", "admin", "lang", "help"];

    private readonly Dictionary<string, ICommandHandler> _handlers;
    private readonly WorkspaceStore _workspaces;
    private readonly ILogger<CommandRouter> _log;

    public CommandRouter(IEnumerable<ICommandHandler> handlers, WorkspaceStore workspaces, ILogger<CommandRouter> log)
    {
        _handlers = handlers.ToDictionary(h => h.Verb, StringComparer.Ordinal);
        _workspaces = workspaces;
        _log = log;
    }

    public IReadOnlyCollection<string> Verbs =>
        _handlers.Keys.Append("help").Distinct()
            .OrderBy(v => Array.IndexOf(HelpOrder, v) is var i && i < 0 ? int.MaxValue : i).ThenBy(v => v, StringComparer.Ordinal)
            .ToList();

    public async Task<Reply> DispatchAsync(ChatCommand command, CancellationToken ct)
    {
        using var span = Telemetry.Source.StartActivity("spebot.command");
        var parsed = CommandText.Parse(command.Text);
        var (workspace, locale) = await _workspaces.ContextAsync(command.Platform, command.WorkspaceExternalId, command.UserId, command.LocaleHint, ct);

        Reply reply;
        if (parsed.Error is not null)
        {
            reply = Reply.Of(parsed.Error, "help.more");
        }
        else if (_handlers.TryGetValue(parsed.Verb, out var handler))
        {
            reply = await handler.HandleAsync(new CommandContext(command, parsed, workspace, locale), ct);
        }
        else
        {
            reply = Help(parsed.Verb == "help" ? null : parsed.Verb);
        }
        var outcome = reply.Lines.FirstOrDefault()?.Key ?? (reply.Form is null ? "items" : "form");
        // Only a verb SpeBot knows names the span: an unknown one is whatever the person typed.
        span?.SetTag("spebot.platform", command.Platform.Wire());
        span?.SetTag("spebot.command.verb", _handlers.ContainsKey(parsed.Verb) || parsed.Verb == "help" ? parsed.Verb : "unknown");
        span?.SetTag("spebot.command.outcome", outcome);
        LogHandled(command.Platform, parsed.Verb, outcome);
        return reply.Locale is null ? reply with { Locale = locale } : reply;
    }

    public Reply Help(string? unknownVerb = null)
    {
        var lines = new List<Message>();
        if (unknownVerb is not null) lines.Add(new Message("help.unknown", new() { ["verb"] = unknownVerb }));
        lines.Add("help.title");
        lines.AddRange(Verbs.Select(v => new Message($"help.{v}")));
        return new Reply { Lines = lines };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Command handled: {Platform} {Verb} → {Outcome}")]
    private partial void LogHandled(Platform platform, string verb, string outcome);
}

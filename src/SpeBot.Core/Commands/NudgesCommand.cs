using SpeBot.Core.Schedules;

namespace SpeBot.Core.Commands;

/// <summary><c>/spe nudges off|on</c>: whether scheduled nudges DM you about your stale claims.</summary>
public sealed class NudgesCommand(NudgeSettings settings) : ICommandHandler
{
    public string Verb => "nudges";

    public async Task<Reply> HandleAsync(CommandContext c, CancellationToken ct)
    {
        var arg = c.Parsed.Args.Count == 1 ? c.Parsed.Args[0].Text.ToLowerInvariant() : "";
        if (arg is not ("on" or "off")) return Reply.Text("help.nudges");
        await settings.SetEnabledAsync(c.Workspace.Id, c.UserId, arg == "on", ct);
        return Reply.Text(arg == "on" ? "nudges.on" : "nudges.off");
    }
}

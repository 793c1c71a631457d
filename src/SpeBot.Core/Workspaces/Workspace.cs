namespace SpeBot.Core.Workspaces;

/// <summary>A Slack workspace (team) or a Teams tenant; items, schedules and settings belong to one.</summary>
public sealed class Workspace
{
    public long Id { get; init; }
    public string Platform { get; init; } = "slack";
    public string ExternalId { get; init; } = "";
    public string? Name { get; init; }
    public string? Locale { get; init; }
    public string? TimeZone { get; init; }
}

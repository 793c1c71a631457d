namespace SpeBot.Core.Items;

/// <summary>What a proposal carries before it has a number.</summary>
public sealed record NewItem(
    long WorkspaceId,
    string Title,
    string AuthorPlatform,
    string AuthorId,
    string Category = Items.Category.Other,
    string? Detail = null,
    int? Impact = null,
    int? Effort = null,
    string? Team = null,
    Commands.SourceMessage? Source = null,
    string? ChannelId = null);

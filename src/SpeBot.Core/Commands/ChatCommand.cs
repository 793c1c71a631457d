namespace SpeBot.Core.Commands;

/// <summary>A chat message that captured as a proposal keeps its origin.</summary>
public sealed record SourceMessage(string ChannelId, string MessageId, string? AuthorId, string? Permalink, string? Text);

/// <summary>
/// What a person asked for, in platform-neutral form. Adapters build it; handlers never learn the platform's wire types.
/// <see cref="CanOpenForms"/> says whether the adapter can open a form for this request right now (a live trigger);
/// <see cref="CanOfferForms"/> whether, without one, it can answer with a button that opens the proposal form.
/// </summary>
public sealed record ChatCommand(
    Platform Platform,
    string WorkspaceExternalId,
    string ChannelId,
    string UserId,
    string Text,
    string? LocaleHint = null,
    SourceMessage? Source = null,
    bool CanOpenForms = false,
    bool CanOfferForms = false)
{
    // U+0000 in what a person typed (Slack and Teams deliver it if sent) would fail any PostgreSQL write of the text
    // (its text type cannot hold it) and read oddly anywhere: U+FFFD stands in for it, on both providers alike.
    public string Text { get; init; } = Text?.Replace('\0', '\uFFFD')!;
}

/// <summary>A command after routing: the parsed text, the workspace row and the reader's locale.</summary>
public sealed record CommandContext(ChatCommand Command, CommandText Parsed, Workspaces.Workspace Workspace, string Locale)
{
    public string UserId => Command.UserId;
}

public interface ICommandHandler
{
    /// <summary>The verb this handler answers, e.g. "propose".</summary>
    string Verb { get; }

    Task<Reply> HandleAsync(CommandContext context, CancellationToken ct);
}

using SpeBot.Core.Items;

namespace SpeBot.Core;

public enum ReplyVisibility { OnlyToUser, Channel }

/// <summary>An item as a reader sees it: the row plus its computed score.</summary>
public sealed record ItemView(Item Item, double Score);

/// <summary>Ask the adapter to open the proposal form (Slack modal, Teams task module), prefilled.</summary>
public sealed record FormRequest(
    string Title = "",
    string? Detail = null,
    string Category = Items.Category.Other,
    int? Impact = null,
    int? Effort = null,
    string? Team = null,
    Commands.SourceMessage? Source = null,
    long? EditItemId = null);

/// <summary>Ask for a done item's before/after (Slack modal); <see cref="Number"/> is the SPE number.</summary>
public sealed record EvidenceForm(long Number, string Title);

/// <summary>
/// A handler's answer: lines of catalog text, optionally a page of items and a "more" command,
/// or a form to open. The adapter renders it in <see cref="Locale"/>.
/// </summary>
public sealed record Reply
{
    public ReplyVisibility Visibility { get; init; } = ReplyVisibility.OnlyToUser;
    public IReadOnlyList<Message> Lines { get; init; } = [];
    public IReadOnlyList<ItemView> Items { get; init; } = [];
    /// <summary>Command text that shows the next page, when there is one.</summary>
    public string? NextPage { get; init; }
    public FormRequest? Form { get; init; }
    public EvidenceForm? Evidence { get; init; }

    /// <summary>True when the adapter must open a form; where it cannot, it answers error.form_unavailable.</summary>
    public bool NeedsForm => Form is not null || Evidence is not null;
    /// <summary>Set by the router to the reader's locale unless the handler chose one.</summary>
    public string? Locale { get; init; }

    public static Reply Text(string key, Dictionary<string, object?>? args = null) => new() { Lines = [new Message(key, args)] };

    public static Reply Of(params Message[] lines) => new() { Lines = lines };

    public static Reply OpenForm(FormRequest form) => new() { Form = form };
}

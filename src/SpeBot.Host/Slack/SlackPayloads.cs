using System.Text.Json;
using System.Text.Json.Serialization;

namespace SpeBot.Host.Slack;

/// <summary>A slash command, read from the form fields Slack posts.</summary>
public sealed record SlashCommand(
    string TeamId, string ChannelId, string UserId, string Command, string Text,
    string? ResponseUrl, string? TriggerId, string? ApiAppId);

/// <summary>Interactivity payload (the JSON in the form field <c>payload</c>); only the fields SpeBot reads.</summary>
public sealed record InteractionPayload
{
    /// <summary>block_actions, view_submission, view_closed, shortcut, message_action.</summary>
    public string Type { get; init; } = "";
    public IdRef? Team { get; init; }
    public SlackUser? User { get; init; }
    public IdRef? Channel { get; init; }
    /// <summary>Opens a modal; valid 3 s, once.</summary>
    public string? TriggerId { get; init; }
    /// <summary>Reply to the source conversation (5 posts in 30 min).</summary>
    public string? ResponseUrl { get; init; }
    /// <summary>Shortcut id from the manifest.</summary>
    public string? CallbackId { get; init; }
    public SlackMessage? Message { get; init; }
    public List<BlockAction>? Actions { get; init; }
    public ViewPayload? View { get; init; }
    /// <summary>Where a clicked button lives.</summary>
    public Container? Container { get; init; }

    public string? TeamId => Team?.Id ?? User?.TeamId;
}

public sealed record IdRef
{
    public string Id { get; init; } = "";
}

public sealed record SlackUser
{
    public string Id { get; init; } = "";
    public string? TeamId { get; init; }
}

/// <summary>A message as Slack sends it in payloads and history.</summary>
public sealed record SlackMessage
{
    public string? Ts { get; init; }
    /// <summary>Wire text: mentions as &lt;@U…&gt;, entities encoded.</summary>
    public string? Text { get; init; }
    public string? User { get; init; }
    public string? BotId { get; init; }
    public string? ThreadTs { get; init; }
}

public sealed record BlockAction
{
    public string ActionId { get; init; } = "";
    public string? BlockId { get; init; }
    public string? Value { get; init; }
    public SelectedOption? SelectedOption { get; init; }
}

public sealed record SelectedOption
{
    public string? Value { get; init; }
}

public sealed record Container
{
    public string? Type { get; init; }
    public string? ChannelId { get; init; }
    public string? MessageTs { get; init; }
    public bool IsEphemeral { get; init; }
}

public sealed record ViewPayload
{
    public string? Id { get; init; }
    /// <summary>"modal" or "home": where a block_actions click came from.</summary>
    public string? Type { get; init; }
    public string? CallbackId { get; init; }
    /// <summary>SpeBot's own JSON, up to 3000 chars, carried through the modal.</summary>
    public string? PrivateMetadata { get; init; }
    public string? Hash { get; init; }
    public ViewState? State { get; init; }
}

public sealed record ViewState
{
    /// <summary>block_id → action_id → value.</summary>
    public Dictionary<string, Dictionary<string, StateValue>> Values { get; init; } = [];

    public string? Text(string blockId, string actionId) =>
        Values.GetValueOrDefault(blockId)?.GetValueOrDefault(actionId) is { } v ? v.Value ?? v.SelectedOption?.Value : null;
}

public sealed record StateValue
{
    public string? Type { get; init; }
    public string? Value { get; init; }
    /// <summary>conversations_select: the chosen channel id.</summary>
    public string? SelectedConversation { get; init; }
    public SelectedOption? SelectedOption { get; init; }
}

/// <summary>Events API envelope (also url_verification and app_rate_limited).</summary>
public sealed record EventEnvelope
{
    public string Type { get; init; } = "";
    public string? Challenge { get; init; }
    public string? TeamId { get; init; }
    /// <summary>Unique across workspaces; the inbox key.</summary>
    public string? EventId { get; init; }
    public long EventTime { get; init; }
    public SlackEvent? Event { get; init; }
}

public sealed record SlackEvent
{
    public string Type { get; init; } = "";
    /// <summary>Who reacted, opened Home, or mentioned the bot.</summary>
    public string? User { get; init; }
    /// <summary>Reaction name without colons, e.g. "thumbsup".</summary>
    public string? Reaction { get; init; }
    public ReactionItem? Item { get; init; }
    /// <summary>Author of the reacted-to message.</summary>
    public string? ItemUser { get; init; }
    public string? EventTs { get; init; }
    /// <summary>app_home_opened: "home" or "messages".</summary>
    public string? Tab { get; init; }
    public string? Channel { get; init; }
    public string? Text { get; init; }
    public string? Ts { get; init; }
    public string? BotId { get; init; }
    /// <summary>message events: "im" for the bot's Messages tab (also channel, group, mpim).</summary>
    public string? ChannelType { get; init; }
    /// <summary>message events: null for a plain message; message_changed, message_deleted, bot_message, … otherwise.</summary>
    public string? Subtype { get; init; }
}

public sealed record ReactionItem
{
    /// <summary>"message", "file" or "file_comment"; SpeBot reads only messages.</summary>
    public string Type { get; init; } = "";
    public string? Channel { get; init; }
    public string? Ts { get; init; }
}

internal static class SlackJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        PropertyNameCaseInsensitive = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}

using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace SpeBot.Host.Teams;

/// <summary>
/// A Bot Framework activity, modelled loosely: unknown fields land in <see cref="Extra"/> and unknown
/// entity types are plain JSON, so a new Teams field never turns into a 500.
/// </summary>
public sealed class Activity
{
    /// <summary>message, conversationUpdate, messageReaction, invoke, installationUpdate, …; compared ordinally.</summary>
    public string? Type { get; set; }
    /// <summary>The channel's id for this activity (in channels often numeric).</summary>
    public string? Id { get; set; }
    public string? Timestamp { get; set; }
    /// <summary>Base URL of the Connector for replies; trusted only after the token's serviceurl claim matched.</summary>
    public string? ServiceUrl { get; set; }
    /// <summary>"msteams".</summary>
    public string? ChannelId { get; set; }
    public ChannelAccount? From { get; set; }
    public ChannelAccount? Recipient { get; set; }
    public ConversationAccount? Conversation { get; set; }
    public string? Text { get; set; }
    public string? TextFormat { get; set; }
    public string? Locale { get; set; }
    /// <summary>message: the activity replied to; messageReaction and card actions: the bot's message.</summary>
    public string? ReplyToId { get; set; }
    /// <summary>invoke name, e.g. adaptiveCard/action.</summary>
    public string? Name { get; set; }
    /// <summary>installationUpdate: add / remove / add-upgrade / remove-upgrade.</summary>
    public string? Action { get; set; }
    public JsonElement? Value { get; set; }
    public JsonElement? ChannelData { get; set; }
    public List<JsonElement>? Entities { get; set; }
    public List<ChannelAccount>? MembersAdded { get; set; }
    public List<Reaction>? ReactionsAdded { get; set; }
    public List<Reaction>? ReactionsRemoved { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }

    /// <summary>The tenant: conversation.tenantId, else channelData.tenant.id.</summary>
    public string? TenantId => Conversation?.TenantId is { Length: > 0 } t ? t : Data("tenant", "id");

    /// <summary>A string inside channelData, e.g. ("team", "id").</summary>
    public string? Data(string outer, string inner) =>
        ChannelData is { ValueKind: JsonValueKind.Object } d && d.TryGetProperty(outer, out var o) && o.ValueKind == JsonValueKind.Object
        && o.TryGetProperty(inner, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}

/// <summary>A user or the bot. Users are keyed by <see cref="AadObjectId"/> (stable across bots), the bot by "28:&lt;appId&gt;".</summary>
public sealed class ChannelAccount
{
    public string? Id { get; set; }
    public string? Name { get; set; }
    public string? AadObjectId { get; set; }
    public string? Role { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }

    /// <summary>The id SpeBot stores for a person.</summary>
    public string? PersonId => AadObjectId is { Length: > 0 } a ? a : Id;
}

/// <summary>personal / groupChat / channel; a channel thread's id carries ";messageid=&lt;root&gt;".</summary>
public sealed class ConversationAccount
{
    public string? Id { get; set; }
    public string? Name { get; set; }
    public bool? IsGroup { get; set; }
    public string? ConversationType { get; set; }
    public string? TenantId { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary>A reaction type: an opaque string ("like", "heart", "1f44b_wavinghand-tone4").</summary>
public sealed class Reaction
{
    public string? Type { get; set; }
}

internal static class BotJson
{
    /// <summary>Bot Framework JSON is camelCase; nulls are left out of what we send.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Serialize(JsonNode node) => node.ToJsonString(Options);
}

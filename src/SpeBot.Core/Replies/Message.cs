namespace SpeBot.Core;

/// <summary>
/// A catalog key plus named arguments. Renderers format it in the reader's locale and escape every
/// argument for the platform; catalog text itself is trusted.
/// </summary>
public sealed record Message(string Key, Dictionary<string, object?>? Args = null)
{
    public static implicit operator Message(string key) => new(key);
}

/// <summary>An argument that renders as a mention of a platform user (validated id, never free text).</summary>
public sealed record UserRef(string Id);

/// <summary>An argument that is itself a catalog key (a category or status name), localised with the rest.</summary>
public sealed record KeyRef(string Key);

/// <summary>An argument that renders as a link to a platform channel (validated id, never free text).</summary>
public sealed record ChannelMention(string Id);

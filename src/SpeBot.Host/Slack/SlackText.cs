using System.Text;
using System.Text.RegularExpressions;
using SpeBot.Core;
using SpeBot.Core.Text;

namespace SpeBot.Host.Slack;

/// <summary>
/// Slack's mrkdwn rules for text SpeBot did not write: escape &amp;, &lt;, &gt; (ampersand first) so
/// user text can never become a mention, a link or a broadcast.
/// </summary>
public sealed partial class SlackText : ITextStyle
{
    public static readonly SlackText Instance = new();

    public string Escape(string userText) => EscapeText(userText);

    public static string EscapeText(string text)
    {
        if (text.AsSpan().IndexOfAny('&', '<', '>') < 0) return text;
        var sb = new StringBuilder(text.Length + 16);
        foreach (var ch in text)
        {
            sb.Append(ch switch { '&' => "&amp;", '<' => "&lt;", '>' => "&gt;", _ => ch.ToString() });
        }
        return sb.ToString();
    }

    /// <summary>A mention only for a well-formed user id; anything else is shown as escaped text.</summary>
    public string Mention(UserRef user) => UserId().IsMatch(user.Id) ? $"<@{user.Id}>" : EscapeText(user.Id);

    public static bool IsUserId(string id) => UserId().IsMatch(id);

    public string Channel(ChannelMention channel) => ChannelId().IsMatch(channel.Id) ? $"<#{channel.Id}>" : EscapeText("#" + channel.Id);

    /// <summary>
    /// Slack wire text (a message, a command's text) → plain text to store: mentions and links become readable
    /// words, entities are decoded. Stored text is escaped again whenever it is shown.
    /// </summary>
    public static string ToPlain(string? wire)
    {
        if (string.IsNullOrEmpty(wire)) return "";
        var plain = Markup().Replace(wire, m =>
        {
            var inner = m.Groups[1].Value;
            var bar = inner.IndexOf('|');
            var target = bar < 0 ? inner : inner[..bar];
            var label = bar < 0 ? null : inner[(bar + 1)..];
            return target[0] switch
            {
                '@' => "@" + (label ?? target[1..]),
                '#' => "#" + (label ?? target[1..]),
                '!' when target.StartsWith("!subteam^", StringComparison.Ordinal) => "@" + (label ?? "group").TrimStart('@'),
                '!' when target.StartsWith("!date^", StringComparison.Ordinal) => label ?? "",
                '!' => "@" + target[1..].Split('^')[0],
                _ => label is null || label == target ? target : $"{label} ({target})",
            };
        });
        return Unescape(plain);
    }

    /// <summary>Command text keeps user mentions as &lt;@U…&gt; (the core's neutral mention form); other markup becomes plain.</summary>
    public static string CommandToNeutral(string? wire)
    {
        if (string.IsNullOrEmpty(wire)) return "";
        var sb = new StringBuilder(wire.Length);
        var last = 0;
        foreach (Match m in Markup().Matches(wire))
        {
            sb.Append(Unescape(wire[last..m.Index]));
            var inner = m.Groups[1].Value;
            var id = inner.StartsWith('@') ? inner[1..].Split('|')[0] : "";
            // Channel links keep their id in the neutral <#C…> form, which /spe schedule reads.
            var channel = inner.StartsWith('#') ? inner[1..].Split('|')[0] : "";
            sb.Append(IsUserId(id) ? $"<@{id}>" : ChannelId().IsMatch(channel) ? $"<#{channel}>" : ToPlain(m.Value));
            last = m.Index + m.Length;
        }
        sb.Append(Unescape(wire[last..]));
        return sb.ToString();
    }

    private static string Unescape(string s) =>
        s.Replace("&lt;", "<", StringComparison.Ordinal).Replace("&gt;", ">", StringComparison.Ordinal).Replace("&amp;", "&", StringComparison.Ordinal);

    [GeneratedRegex("^[CGD][A-Z0-9]{2,20}$")]
    private static partial Regex ChannelId();

    [GeneratedRegex("^[UW][A-Z0-9]{2,20}$")]
    private static partial Regex UserId();

    [GeneratedRegex("<([^<>]+)>")]
    private static partial Regex Markup();
}

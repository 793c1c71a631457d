namespace SpeBot.Core.Commands;

/// <summary>A captured chat message as a proposal: first line the title, the rest the detail, both within limits.</summary>
public static class MessageSplit
{
    public static (string Title, string? Detail) Split(string plain)
    {
        var trimmed = plain.Trim();
        var newline = trimmed.IndexOf('\n');
        var first = (newline < 0 ? trimmed : trimmed[..newline]).Trim();
        var rest = newline < 0 ? null : trimmed[(newline + 1)..].Trim();
        if (first.Length > ProposalText.MaxTitle)
        {
            // Nothing is lost: the full first line moves into the detail.
            rest = first + (rest is null ? "" : "\n" + rest);
            first = Cut(first, ProposalText.MaxTitle);
        }
        return (first, string.IsNullOrEmpty(rest) ? null : Cut(rest, ProposalText.MaxDetail));
    }

    /// <summary>Cuts to <paramref name="max"/> characters with an ellipsis, never inside a surrogate pair.</summary>
    public static string Cut(string text, int max)
    {
        if (text.Length <= max) return text;
        var cut = max - 1;
        if (cut > 0 && char.IsLowSurrogate(text[cut])) cut--;
        return string.Concat(text.AsSpan(0, cut), "…");
    }
}

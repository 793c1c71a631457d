using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using SpeBot.Core.Items;
using SpeBot.Core.Oncall;
using SpeBot.Core.Text;
using SpeBot.Core.Workspaces;

namespace SpeBot.Core.Discovery;

/// <summary>
/// Toil that repeats: when the same toil has been noted Toil:Repeats times (across shifts, within Toil:WindowDays),
/// SpeBot proposes automating it, once, crediting the notes and who wrote them.
/// </summary>
public sealed class ToilWatch(ShiftStore shifts, Discoveries discoveries, WorkspaceStore workspaces, MessageCatalog catalog,
                              IOptions<ToilOptions> options, TimeProvider clock)
{
    public const int MaxCredited = 10;

    /// <summary>After a toil note is saved: the proposal it completed, or null.</summary>
    public async Task<(Item Item, int Count)?> NotedAsync(Platform platform, Workspace workspace, string channelId, string text, CancellationToken ct)
    {
        var o = options.Value;
        if (!o.Enabled) return null;
        var same = Normalize(text);
        if (same.Length == 0) return null;
        var now = clock.GetUtcNow();
        var notes = (await shifts.NotesAsync(workspace.Id, now.AddDays(-o.WindowDays), now, ct))
            .Where(n => n.IsToil && Normalize(n.Text) == same).ToList();
        if (notes.Count < o.Repeats) return null;

        var locale = workspaces.ChannelLocale(workspace);
        var first = notes[0];
        var title = catalog.Format(locale, new Message("discovery.toil.title", new() { ["text"] = Clean(first.Text) }), PlainText.Instance);
        var credits = string.Join("\n", notes.TakeLast(MaxCredited).Select(n => catalog.Format(locale, new Message("discovery.toil.note", new()
        {
            ["at"] = n.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ["user"] = new UserRef(n.AuthorId), ["text"] = n.Text,
        }), PlainText.Instance)));
        var authors = string.Join(", ", notes.Select(n => "@" + n.AuthorId).Distinct());
        var detail = catalog.Format(locale, new Message("discovery.toil.detail", new() { ["count"] = notes.Count, ["authors"] = authors }),
            PlainText.Instance) + "\n" + credits;
        var item = new NewItem(workspace.Id, Clip(title), platform.Wire(), first.AuthorId, "toil", Detail: Clip(detail, Commands.ProposalText.MaxDetail),
            ChannelId: channelId);
        var (outcome, stored) = await discoveries.ProposeAsync(platform, item, new Finding(Sources.Toil, "toil:" + same, null), channelId, ct);
        return outcome == DiscoveryOutcome.Proposed ? (stored!, notes.Count) : null;
    }

    /// <summary>
    /// The same toil in other words of the same kind: case, punctuation, the #toil tag and numbers (a host or ticket
    /// number) do not make it different. Capped so the finding key stays short.
    /// </summary>
    public static string Normalize(string text)
    {
        var sb = new StringBuilder();
        foreach (var word in Clean(text).ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            var w = new string(word.Where(ch => !char.IsPunctuation(ch) && !char.IsSymbol(ch)).Select(ch => char.IsDigit(ch) ? '0' : ch).ToArray());
            if (w.Length == 0) continue;
            if (sb.Length > 0) sb.Append(' ');
            sb.Append(w);
        }
        var s = sb.ToString();
        return s.Length <= 200 ? s : s[..200];
    }

    /// <summary>The note without its #toil tag.</summary>
    private static string Clean(string text) =>
        string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Where(w => !w.Equals("#toil", StringComparison.OrdinalIgnoreCase)));

    private static string Clip(string text, int max = Commands.ProposalText.MaxTitle) => text.Length <= max ? text : text[..(max - 1)] + "…";
}

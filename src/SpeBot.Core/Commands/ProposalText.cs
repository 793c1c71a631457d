using SpeBot.Core.Items;

namespace SpeBot.Core.Commands;

/// <summary>
/// The words after <c>propose</c>: a title with optional hints <c>#category</c>, <c>impact:1-5</c>,
/// <c>effort:1-5</c> and <c>team:name</c>. Unknown <c>#words</c> stay in the title.
/// </summary>
public sealed record ProposalText(string Title, string Category, int? Impact, int? Effort, string? Team, Message? Error)
{
    public const int MaxTitle = 150;
    public const int MaxDetail = 3000;
    public const int MaxTeam = 60;

    public static ProposalText Parse(IReadOnlyList<Token> args)
    {
        var title = new List<string>();
        string category = Items.Category.Other;
        int? impact = null, effort = null;
        string? team = null;
        foreach (var token in args)
        {
            var t = token.Text;
            if (token.Quoted)
            {
                title.Add(t);
                continue;
            }
            if (t.StartsWith('#') && Items.Category.TryNormalize(t, out var c))
            {
                category = c;
            }
            else if (TryHint(t, "impact", out var value) || TryHint(t, "影響", out value))
            {
                if (!TryScale(value, out var n)) return Fail("error.scale", "impact", value);
                impact = n;
            }
            else if (TryHint(t, "effort", out value) || TryHint(t, "工数", out value))
            {
                if (!TryScale(value, out var n)) return Fail("error.scale", "effort", value);
                effort = n;
            }
            else if (TryHint(t, "team", out value) || TryHint(t, "チーム", out value))
            {
                team = value.Length == 0 ? null : value;
            }
            else
            {
                title.Add(t);
            }
        }

        var joined = string.Join(' ', title).Trim();
        if (joined.Length > MaxTitle)
        {
            return new ProposalText(joined, category, impact, effort, team,
                new Message("error.title_too_long", new() { ["max"] = MaxTitle, ["length"] = joined.Length }));
        }
        if (team is { Length: > MaxTeam })
        {
            return new ProposalText(joined, category, impact, effort, team,
                new Message("error.team_too_long", new() { ["max"] = MaxTeam }));
        }
        return new ProposalText(joined, category, impact, effort, team, null);

        ProposalText Fail(string key, string field, string value) =>
            new("", category, impact, effort, team, new Message(key, new() { ["field"] = field, ["value"] = value }));
    }

    // Every word of every proposal is tried against six hints: compared in place, without building "name:" strings.
    private static bool TryHint(string token, string name, out string value)
    {
        value = "";
        if (token.Length <= name.Length || !token.StartsWith(name, StringComparison.OrdinalIgnoreCase) || token[name.Length] is not (':' or '=' or '：'))
            return false;
        value = token[(name.Length + 1)..];
        return true;
    }

    public static bool TryScale(string? text, out int n) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out n)
        && n is >= 1 and <= 5;
}

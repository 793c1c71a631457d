using System.Globalization;

namespace SpeBot.Core.Text;

/// <summary>
/// One plural choice of a template, <c>{votes, plural, one {# vote} other {# votes}}</c>, chosen by the language's rule
/// (CLDR cardinals: English has one and other, Japanese only other, so Japanese templates write a plain <c>{votes} 票</c>).
/// </summary>
public sealed record Plural(string Name, IReadOnlyDictionary<string, string> Forms)
{
    /// <summary>The categories each catalog language needs a form for.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Categories = new Dictionary<string, string[]>
    {
        ["en"] = ["one", "other"],
        ["ja"] = ["other"],
    };

    public static bool TryParse(string inner, out Plural plural)
    {
        plural = null!;
        var comma = inner.IndexOf(',', StringComparison.Ordinal);
        if (comma < 0) return false;
        var rest = inner[(comma + 1)..].TrimStart();
        if (!rest.StartsWith("plural", StringComparison.Ordinal)) return false;
        rest = rest["plural".Length..].TrimStart();
        if (!rest.StartsWith(',')) return false;
        var forms = new Dictionary<string, string>(StringComparer.Ordinal);
        var i = 1;
        while (i < rest.Length)
        {
            var open = rest.IndexOf('{', i);
            if (open < 0) break;
            var selector = rest[i..open].Trim();
            var depth = 0;
            var close = -1;
            for (var j = open; j < rest.Length && close < 0; j++)
            {
                if (rest[j] == '{') depth++;
                else if (rest[j] == '}' && --depth == 0) close = j;
            }
            if (close < 0 || selector.Length == 0) return false;
            forms[selector] = rest[(open + 1)..close];
            i = close + 1;
        }
        if (!forms.ContainsKey("other")) return false;
        plural = new Plural(inner[..comma].Trim(), forms);
        return true;
    }

    /// <summary>
    /// The value as a number when it is one: counts arrive as int or long, or as invariant digits from an outbox body
    /// (whose arguments are stored as text); any other text chooses no form and the placeholder stays visible.
    /// </summary>
    public static decimal? Number(object? value) => value switch
    {
        int or long or short or byte or uint or ulong or decimal => Convert.ToDecimal(value, CultureInfo.InvariantCulture),
        double d when double.IsFinite(d) && Math.Abs(d) < 1e15 => (decimal)d,
        string s when decimal.TryParse(s, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n) => n,
        _ => null,
    };

    public string Choose(string language, decimal n)
    {
        if (Forms.TryGetValue("=" + n.ToString(CultureInfo.InvariantCulture), out var exact)) return exact;
        return Forms.TryGetValue(Category(language, n), out var form) ? form : Forms["other"];
    }

    /// <summary>CLDR: English "one" is exactly 1 with no visible fraction; Japanese has only "other".</summary>
    public static string Category(string language, decimal n) =>
        language == "en" && n == 1m && decimal.Truncate(n) == n ? "one" : "other";
}

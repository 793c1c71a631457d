using System.Globalization;

namespace SpeBot.Core.Schedules;

/// <summary>
/// A Quartz-format cron expression (<c>sec min hour day-of-month month day-of-week [year]</c>) evaluated without
/// Quartz, so the core can compute periods and stay free of scheduler types. Supports <c>* ? , - /</c> and
/// MON–SUN / JAN–DEC names; not Quartz's <c>L W #</c> (rejected, so the Host's Quartz never sees a form we cannot evaluate).
/// </summary>
public sealed class Cron
{
    private static readonly string[] Days = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
    private static readonly string[] Months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];

    private readonly int[] _seconds, _minutes, _hours;
    private readonly HashSet<int> _dom, _months, _dow;
    private readonly bool _anyDom, _anyDow;

    private Cron(string text, int[] s, int[] m, int[] h, HashSet<int> dom, bool anyDom, HashSet<int> months, HashSet<int> dow, bool anyDow)
    {
        Text = text;
        (_seconds, _minutes, _hours) = (s, m, h);
        (_dom, _anyDom, _months, _dow, _anyDow) = (dom, anyDom, months, dow, anyDow);
    }

    /// <summary>The normalised expression (upper case, single spaces), as stored and handed to Quartz.</summary>
    public string Text { get; }

    public override string ToString() => Text;

    public static bool TryParse(string? text, out Cron cron)
    {
        cron = null!;
        var f = (text ?? "").Trim().ToUpperInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (f.Length is < 6 or > 7 || (f.Length == 7 && f[6] != "*")) return false;
        // Quartz needs exactly one of the two day fields to be '?'.
        if ((f[3] == "?") == (f[5] == "?")) return false;
        if (!TryField(f[0], 0, 59, null, 0, out var s) || !TryField(f[1], 0, 59, null, 0, out var m)
            || !TryField(f[2], 0, 23, null, 0, out var h) || !TryField(f[4], 1, 12, Months, 1, out var mon)) return false;
        HashSet<int> dom = [], dow = [];
        if (f[3] != "?" && !TryField(f[3], 1, 31, null, 0, out dom)) return false;
        if (f[5] != "?" && !TryField(f[5], 1, 7, Days, 1, out dow)) return false;
        cron = new Cron(string.Join(' ', f), Desc(s), Desc(m), Desc(h), dom, f[3] is "?" or "*", mon, dow, f[5] is "?" or "*");
        return true;
    }

    private static int[] Desc(HashSet<int> set) => [.. set.OrderDescending()];

    private static bool TryField(string field, int min, int max, string[]? names, int nameBase, out HashSet<int> values)
    {
        values = [];
        foreach (var part in field.Split(','))
        {
            var step = 1;
            var range = part;
            var slash = part.IndexOf('/');
            if (slash >= 0)
            {
                if (!int.TryParse(part[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out step) || step < 1) return false;
                range = part[..slash];
            }
            int lo, hi;
            if (range is "*" or "?") (lo, hi) = (min, max);
            else
            {
                var dash = range.IndexOf('-');
                if (!TryValue(dash < 0 ? range : range[..dash], min, max, names, nameBase, out lo)) return false;
                hi = lo;
                if (dash >= 0 && !TryValue(range[(dash + 1)..], min, max, names, nameBase, out hi)) return false;
                if (dash < 0 && slash >= 0) hi = max;
                if (hi < lo) return false;
            }
            for (var v = lo; v <= hi; v += step) values.Add(v);
        }
        return values.Count > 0;
    }

    private static bool TryValue(string text, int min, int max, string[]? names, int nameBase, out int value)
    {
        var named = names is null ? -1 : Array.IndexOf(names, text);
        value = named >= 0 ? named + nameBase : -1;
        if (named < 0 && !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value)) return false;
        return value >= min && value <= max;
    }

    private bool DayMatches(DateTime d) =>
        _months.Contains(d.Month)
        && (_anyDom || _dom.Contains(d.Day))
        && (_anyDow || _dow.Contains((int)d.DayOfWeek + 1));

    /// <summary>
    /// The nominal occurrence a run at <paramref name="now"/> belongs to: the latest cron time ≤ now in
    /// <paramref name="zone"/>. Wall times skipped by a DST jump map to the first instant after the jump, and
    /// repeated wall times to their first instant, so every period exists exactly once. Null if none in 5 years.
    /// </summary>
    public DateTimeOffset? Latest(DateTimeOffset now, TimeZoneInfo zone)
    {
        var localNow = TimeZoneInfo.ConvertTime(now, zone).DateTime;
        for (var day = localNow.Date; day > localNow.Date.AddYears(-5); day = day.AddDays(-1))
        {
            if (!DayMatches(day)) continue;
            foreach (var h in _hours)
            foreach (var m in _minutes)
            foreach (var s in _seconds)
            {
                var instant = ToInstant(day.AddHours(h).AddMinutes(m).AddSeconds(s), zone);
                if (instant <= now) return instant;
            }
        }
        return null;
    }

    /// <summary>The occurrence before <paramref name="period"/>: where "this period" of a digest starts.</summary>
    public DateTimeOffset? Previous(DateTimeOffset period, TimeZoneInfo zone) => Latest(period.AddSeconds(-1), zone);

    /// <summary>Local wall time → instant: a skipped time becomes the end of the gap, a repeated one its first (daylight) instant.</summary>
    public static DateTimeOffset ToInstant(DateTime wall, TimeZoneInfo zone)
    {
        var local = DateTime.SpecifyKind(wall, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local))
        {
            local = local.AddSeconds(-local.Second);
            while (zone.IsInvalidTime(local)) local = local.AddMinutes(1);
        }
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }
}

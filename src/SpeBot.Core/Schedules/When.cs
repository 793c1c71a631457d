using System.Globalization;

namespace SpeBot.Core.Schedules;

/// <summary>
/// <c>&lt;when&gt;</c> in <c>/spe schedule</c> and config: a Quartz cron expression, or a plain form —
/// <c>daily 18:00</c>, <c>weekdays 09:30</c>, <c>mon 09:00</c>, <c>mon,thu 09:00</c> — turned into one.
/// </summary>
public static class When
{
    private static readonly string[] Days = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    public static bool TryParse(string? text, out Cron cron)
    {
        cron = null!;
        var t = (text ?? "").Trim();
        if (Cron.TryParse(t, out cron)) return true;
        var parts = t.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2 || !TryTime(parts[1], out var h, out var m)) return false;
        var days = parts[0].ToUpperInvariant() switch
        {
            "DAILY" or "EVERYDAY" => "*",
            "WEEKDAYS" => "MON-FRI",
            var list when list.Split(',').All(d => Days.Contains(Day(d))) => string.Join(',', list.Split(',').Select(Day)),
            _ => null,
        };
        if (days is null) return false;
        var expression = days == "*" ? $"0 {m} {h} * * ?" : $"0 {m} {h} ? * {days}";
        return Cron.TryParse(expression, out cron);
    }

    /// <summary>"monday" and "Mon" both read as MON.</summary>
    private static string Day(string d) => d.Length >= 3 ? d[..3].ToUpperInvariant() : d.ToUpperInvariant();

    private static bool TryTime(string text, out int hours, out int minutes)
    {
        hours = minutes = 0;
        var hm = text.Split(':');
        return hm.Length == 2
               && int.TryParse(hm[0], NumberStyles.None, CultureInfo.InvariantCulture, out hours) && hours is >= 0 and < 24
               && int.TryParse(hm[1], NumberStyles.None, CultureInfo.InvariantCulture, out minutes) && minutes is >= 0 and < 60;
    }

    /// <summary>An IANA zone id, or null when the text is not one.</summary>
    public static TimeZoneInfo? Zone(string? id) =>
        !string.IsNullOrWhiteSpace(id) && id.Length <= 64 && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var z) ? z : null;
}

/// <summary>The core's neutral channel form, &lt;#ID&gt;, which adapters produce from their own markup; "here" is the current channel.</summary>
public static class ChannelRef
{
    public static bool TryParse(string text, string current, out string channelId)
    {
        channelId = "";
        if (text.Equals("here", StringComparison.OrdinalIgnoreCase) || text == "ここ")
        {
            channelId = current;
            return true;
        }
        if (text.Length < 4 || !text.StartsWith("<#", StringComparison.Ordinal) || !text.EndsWith('>')) return false;
        var id = text[2..^1];
        if (!id.All(char.IsAsciiLetterOrDigit)) return false;
        channelId = id;
        return true;
    }
}

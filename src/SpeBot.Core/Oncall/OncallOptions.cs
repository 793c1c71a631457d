using System.ComponentModel.DataAnnotations;

namespace SpeBot.Core.Oncall;

/// <summary>
/// Section "Oncall": the rotation (user ids in order) and the ack reminder. The rotation turns at each fire of a
/// <c>handoff</c> schedule (its cron and time zone are the boundary, e.g. "mon 10:00" Asia/Tokyo): the person after
/// the one on call takes over. <c>/spe oncall @user</c> overrides who is on call now.
/// </summary>
public sealed class OncallOptions
{
    public const string Section = "Oncall";

    public string[] Rotation { get; set; } = [];

    /// <summary>The incoming person is reminded once if they have not pressed Ack within this many minutes.</summary>
    [Range(1, 1440, ErrorMessage = "Oncall:AckReminderMinutes must be between {1} and {2}.")]
    public int AckReminderMinutes { get; set; } = 30;

    /// <summary>Who comes after <paramref name="current"/>: the next in the rotation, the first when they are not in it, null without a rotation.</summary>
    public static string? Next(IReadOnlyList<string> rotation, string? current)
    {
        if (rotation.Count == 0) return null;
        var at = current is null ? -1 : rotation.ToList().IndexOf(current);
        return rotation[(at + 1) % rotation.Count];
    }
}

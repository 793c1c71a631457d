using System.ComponentModel.DataAnnotations;

namespace SpeBot.Core.Schedules;

/// <summary>Section "Schedules": schedules seeded from configuration, and the knobs of what they post.</summary>
public sealed class ScheduleOptions : IValidatableObject
{
    public const string Section = "Schedules";

    public List<ConfiguredSchedule> Entries { get; set; } = [];

    /// <summary>Open items untouched for this many days show as stuck in the digest.</summary>
    [Range(1, 365, ErrorMessage = "Schedules:StuckDays must be between {1} and {2}.")]
    public int StuckDays { get; set; } = 30;

    /// <summary>A claim with no update for this many days counts as stale in digests and nudges.</summary>
    [Range(1, 365, ErrorMessage = "Schedules:StaleClaimDays must be between {1} and {2}.")]
    public int StaleClaimDays { get; set; } = 7;

    /// <summary>How many top open items a digest lists.</summary>
    [Range(1, 20, ErrorMessage = "Schedules:TopItems must be between {1} and {2}.")]
    public int TopItems { get; set; } = 5;

    /// <summary>Nudges wait for working hours in the person's own zone: from this hour…</summary>
    [Range(0, 23, ErrorMessage = "Schedules:WorkdayStartHour must be between {1} and {2}.")]
    public int WorkdayStartHour { get; set; } = 9;

    /// <summary>…to this hour (exclusive).</summary>
    [Range(1, 24, ErrorMessage = "Schedules:WorkdayEndHour must be between {1} and {2}.")]
    public int WorkdayEndHour { get; set; } = 18;

    public DayOfWeek[] WorkDays { get; set; } = [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < Entries.Count; i++)
        {
            var e = Entries[i];
            var at = $"Schedules:Entries:{i}";
            if (!ScheduleKinds.All.Contains(e.Kind.ToLowerInvariant()))
                yield return new ValidationResult($"{at}:Kind must be one of: {string.Join(", ", ScheduleKinds.All)} (got '{e.Kind}').");
            if (string.IsNullOrWhiteSpace(e.Workspace) || string.IsNullOrWhiteSpace(e.Channel))
                yield return new ValidationResult($"{at}:Workspace and {at}:Channel are required (team id and channel id).");
            if (!When.TryParse(e.When, out _))
                yield return new ValidationResult($"{at}:When must be a Quartz cron expression or a form like 'mon 09:00' (got '{e.When}').");
            if (!string.IsNullOrWhiteSpace(e.TimeZone) && When.Zone(e.TimeZone) is null)
                yield return new ValidationResult($"{at}:TimeZone must be an IANA time zone id such as Asia/Tokyo (got '{e.TimeZone}').");
        }
    }
}

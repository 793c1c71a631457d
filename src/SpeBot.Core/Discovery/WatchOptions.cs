using System.ComponentModel.DataAnnotations;
using SpeBot.Core.Schedules;

namespace SpeBot.Core.Discovery;

/// <summary>Section "Watch": the TLS and certificate watcher's daily run over the endpoints <c>/spe watch</c> added.</summary>
public sealed class WatchOptions : IValidatableObject
{
    public const string Section = "Watch";

    /// <summary>A certificate expiring within this many days is proposed for renewal.</summary>
    [Range(1, 365, ErrorMessage = "Watch:CertDays must be between {1} and {2}.")]
    public int CertDays { get; set; } = 30;

    /// <summary>When the daily check is due (a Quartz cron or <c>daily 06:00</c>), in <see cref="TimeZone"/>.</summary>
    public string When { get; set; } = "daily 06:00";

    public string TimeZone { get; set; } = "UTC";

    /// <summary>Connect and handshake timeout per attempt.</summary>
    [Range(1, 60, ErrorMessage = "Watch:TimeoutSeconds must be between {1} and {2}.")]
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>Endpoints one workspace may watch.</summary>
    [Range(1, 1000, ErrorMessage = "Watch:MaxEndpoints must be between {1} and {2}.")]
    public int MaxEndpoints { get; set; } = 100;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Schedules.When.TryParse(When, out _))
            yield return new ValidationResult($"Watch:When must be a Quartz cron expression or a form like 'daily 06:00' (got '{When}').");
        if (Schedules.When.Zone(TimeZone) is null)
            yield return new ValidationResult($"Watch:TimeZone must be an IANA time zone id such as Asia/Tokyo (got '{TimeZone}').");
    }
}

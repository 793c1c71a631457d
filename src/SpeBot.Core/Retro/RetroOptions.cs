using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace SpeBot.Core.Retro;

/// <summary>Section "Retro": how long a retro poll stays open and how many choices each question offers.</summary>
public sealed class RetroOptions : IValidatableObject
{
    public const string Section = "Retro";

    /// <summary>Poll length when <c>/spe retro</c> names none, and for scheduled retros: "30m", "2h", "1d".</summary>
    public string DefaultDuration { get; set; } = "1d";

    [Range(2, 10, ErrorMessage = "Retro:OptionsPerQuestion must be between {1} and {2}.")]
    public int OptionsPerQuestion { get; set; } = 5;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!PollDuration.TryParse(DefaultDuration, out _))
            yield return new ValidationResult($"Retro:DefaultDuration must look like 30m, 2h or 1d, from 1 minute to 14 days (got '{DefaultDuration}').");
    }
}

/// <summary>"30m", "2h", "1d": a poll's length, from one minute to two weeks.</summary>
public static class PollDuration
{
    public static readonly TimeSpan Max = TimeSpan.FromDays(14);

    // Parsed by hand: a generated regex would put types outside SpeBot.Core's namespaces (BoundaryTests).
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        var t = text?.Trim() ?? "";
        if (t.Length is < 2 or > 6 || char.ToLowerInvariant(t[^1]) is not ('m' or 'h' or 'd')
            || !int.TryParse(t.AsSpan(0, t.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return false;
        duration = char.ToLowerInvariant(t[^1]) switch
        {
            'm' => TimeSpan.FromMinutes(n),
            'h' => TimeSpan.FromHours(n),
            _ => TimeSpan.FromDays(n),
        };
        return duration >= TimeSpan.FromMinutes(1) && duration <= Max;
    }
}

using System.ComponentModel.DataAnnotations;

namespace SpeBot.Core;

/// <summary>Product settings shared by every platform (section "SpeBot").</summary>
public sealed class SpeBotOptions : IValidatableObject
{
    public const string Section = "SpeBot";

    /// <summary>Locale for people and workspaces that have not chosen one: "en" or "ja".</summary>
    [Required(ErrorMessage = "SpeBot:DefaultLocale is required.")]
    public string DefaultLocale { get; set; } = "en";

    /// <summary>IANA time zone for schedules and working hours when a workspace sets none.</summary>
    [Required(ErrorMessage = "SpeBot:DefaultTimeZone is required.")]
    public string DefaultTimeZone { get; set; } = "UTC";

    /// <summary>Reaction on any message that turns it into an item.</summary>
    [Required(ErrorMessage = "SpeBot:CaptureReaction is required.")]
    public string CaptureReaction { get; set; } = "bulb";

    /// <summary>Reaction the bot adds to a captured message.</summary>
    [Required(ErrorMessage = "SpeBot:CapturedReaction is required.")]
    public string CapturedReaction { get; set; } = "white_check_mark";

    /// <summary>Reactions on an item card that count as a vote.</summary>
    public string[] VoteReactions { get; set; } = ["+1", "thumbsup", "arrow_up"];

    /// <summary>Reaction on an item card that claims it.</summary>
    [Required(ErrorMessage = "SpeBot:ClaimReaction is required.")]
    public string ClaimReaction { get; set; } = "eyes";

    /// <summary>A claim with no update for this many days is released.</summary>
    [Range(1, 365, ErrorMessage = "SpeBot:ClaimExpiryDays must be between {1} and {2}.")]
    public int ClaimExpiryDays { get; set; } = 14;

    /// <summary>User ids allowed to triage in every workspace (more are added in chat).</summary>
    public string[] Maintainers { get; set; } = [];

    /// <summary>Hours one effort point stands for, when an item is done without hours logged.</summary>
    [Range(0.1, 100, ErrorMessage = "SpeBot:EffortHours must be between {1} and {2}.")]
    public double EffortHours { get; set; } = 4;

    public ScoreWeights Score { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Text.MessageCatalog.Normalize(DefaultLocale) is null)
            yield return new ValidationResult($"SpeBot:DefaultLocale must be one of: {string.Join(", ", Text.MessageCatalog.Locales)} (got '{DefaultLocale}').", [nameof(DefaultLocale)]);
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(DefaultTimeZone, out _))
            yield return new ValidationResult($"SpeBot:DefaultTimeZone must be an IANA time zone id such as Asia/Tokyo (got '{DefaultTimeZone}').", [nameof(DefaultTimeZone)]);
        if (VoteReactions.Length == 0 || VoteReactions.Any(string.IsNullOrWhiteSpace))
            yield return new ValidationResult("SpeBot:VoteReactions must list at least one reaction name, e.g. [\"+1\"].", [nameof(VoteReactions)]);
        if (VoteReactions.Contains(CaptureReaction, StringComparer.Ordinal))
            yield return new ValidationResult("SpeBot:CaptureReaction must differ from every SpeBot:VoteReactions entry.", [nameof(CaptureReaction)]);
        if (Score.Votes < 0 || Score.Impact < 0 || Score.Effort < 0 || Score.AgePerWeek < 0)
            yield return new ValidationResult("SpeBot:Score weights must be zero or positive.", [nameof(Score)]);
    }
}

/// <summary>Weights of the ICE-style score; see <see cref="Items.Scoring"/>.</summary>
public sealed class ScoreWeights
{
    public double Votes { get; set; } = 1.0;
    public double Impact { get; set; } = 1.0;
    public double Effort { get; set; } = 1.0;
    public double AgePerWeek { get; set; } = 0.05;
    public double AgeCapWeeks { get; set; } = 12;
}

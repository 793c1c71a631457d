using System.ComponentModel.DataAnnotations;

namespace SpeBot.Core.Discovery;

/// <summary>Section "Toil": repeated <c>/spe note … #toil</c> becomes a proposal to automate it (off until Enabled).</summary>
public sealed class ToilOptions
{
    public const string Section = "Toil";

    public bool Enabled { get; set; }

    /// <summary>How many notes of the same toil make a proposal.</summary>
    [Range(2, 100, ErrorMessage = "Toil:Repeats must be between {1} and {2}.")]
    public int Repeats { get; set; } = 3;

    /// <summary>Only notes this recent count.</summary>
    [Range(1, 3650, ErrorMessage = "Toil:WindowDays must be between {1} and {2}.")]
    public int WindowDays { get; set; } = 90;
}

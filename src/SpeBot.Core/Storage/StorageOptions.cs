using System.ComponentModel.DataAnnotations;

namespace SpeBot.Core.Storage;

public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>SQLite database file; its folder is created at start-up.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Storage:Path must name the SQLite database file, e.g. data/spebot.db.")]
    public string Path { get; set; } = "data/spebot.db";

    /// <summary>How long a writer waits for the database lock before failing.</summary>
    [Range(100, 60_000, ErrorMessage = "Storage:BusyTimeoutMs must be between {1} and {2} milliseconds.")]
    public int BusyTimeoutMs { get; set; } = 5_000;
}

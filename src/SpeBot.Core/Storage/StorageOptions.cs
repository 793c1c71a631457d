using System.ComponentModel.DataAnnotations;

namespace SpeBot.Core.Storage;

public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>SQLite database file; its folder is created at start-up.</summary>
    [Required(AllowEmptyStrings = false)]
    public string Path { get; set; } = "data/spebot.db";

    /// <summary>How long a writer waits for the database lock before failing.</summary>
    [Range(100, 60_000)]
    public int BusyTimeoutMs { get; set; } = 5_000;
}

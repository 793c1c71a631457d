using System.ComponentModel.DataAnnotations;

namespace SpeBot.Core.Storage;

public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>SQLite database file; its folder is created at start-up.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Storage:Path must name the SQLite database file, e.g. data/spebot.db.")]
    public string Path { get; set; } = "data/spebot.db";

    /// <summary>
    /// SQLite's synchronous setting for the writer: FULL (default) fsyncs every group commit, so an acked write
    /// survives power loss; NORMAL (WAL) survives a crash of the bot but may lose the last commits on power loss.
    /// </summary>
    [RegularExpression("^(?i)(FULL|NORMAL)$", ErrorMessage = "Storage:Synchronous must be FULL or NORMAL.")]
    public string Synchronous { get; set; } = "FULL";

    /// <summary>How long a writer waits for the database lock before failing.</summary>
    [Range(100, 60_000, ErrorMessage = "Storage:BusyTimeoutMs must be between {1} and {2} milliseconds.")]
    public int BusyTimeoutMs { get; set; } = 5_000;
}

using System.ComponentModel.DataAnnotations;

namespace SpeBot.Core.Storage;

public sealed class StorageOptions : IValidatableObject
{
    public const string Section = "Storage";

    /// <summary>
    /// Where SpeBot keeps its data: <c>sqlite</c> (default: one file, one process) or <c>postgres</c> (a PostgreSQL
    /// database several instances can share; needs <see cref="ConnectionString"/>).
    /// </summary>
    [RegularExpression("^(?i)(sqlite|postgres)$", ErrorMessage = "Storage:Provider must be sqlite or postgres.")]
    public string Provider { get; set; } = "sqlite";

    /// <summary>
    /// The Npgsql connection string when <see cref="Provider"/> is postgres, e.g.
    /// <c>Host=db;Database=spebot;Username=spebot;Password=…</c>. Holds a password: set it from the environment
    /// (<c>Storage__ConnectionString</c>), never in a committed file; SpeBot never logs it.
    /// </summary>
    public string? ConnectionString { get; set; }

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

    /// <summary>The provider as a value (<c>sqlite</c> when the setting is not one of the two; validation refuses that).</summary>
    public StorageProvider Kind =>
        string.Equals(Provider, "postgres", StringComparison.OrdinalIgnoreCase) ? StorageProvider.Postgres : StorageProvider.Sqlite;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Kind != StorageProvider.Postgres) yield break;
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return new ValidationResult("Storage:ConnectionString must be set when Storage:Provider is postgres, e.g. " +
                                              "Storage__ConnectionString='Host=db;Database=spebot;Username=spebot;Password=…' in the environment.",
                [nameof(ConnectionString)]);
            yield break;
        }
        string? problem = null;
        try
        {
            _ = new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString);
        }
        catch (ArgumentException e)
        {
            // The message names the keyword, never the value (the value may be the password).
            problem = e.Message;
        }
        if (problem is not null)
            yield return new ValidationResult($"Storage:ConnectionString is not a valid Npgsql connection string: {problem}", [nameof(ConnectionString)]);
    }
}

namespace SpeBot.Core.Storage;

/// <summary>Which database server SpeBot stores its data in (<c>Storage:Provider</c>).</summary>
public enum StorageProvider
{
    Sqlite,
    Postgres,
}

namespace SpeBot.Core.Storage;

/// <summary>Where a database lives, for logs and the admin commands: never the connection string (it holds a password).</summary>
public static class DatabaseDescription
{
    public static string Where(this Database db) => db switch
    {
        SqliteDatabase sqlite => sqlite.FilePath,
        PostgresDatabase postgres => postgres.Where,
        _ => db.Provider.ToString(),
    };
}

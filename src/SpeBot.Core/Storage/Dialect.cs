namespace SpeBot.Core.Storage;

/// <summary>
/// The few SQL spellings SQLite and PostgreSQL do not share, each written once. A store picks what it needs from its
/// <see cref="Database.Provider"/> where it is built (a field per statement), so its SQL text stays one string and no
/// query carries a provider test of its own.
/// </summary>
public static class Dialect
{
    /// <summary>
    /// "is in this list": Dapper expands <c>IN @list</c> into one parameter per element on SQLite, but hands Npgsql the
    /// list as one array parameter, which PostgreSQL compares with <c>= ANY(…)</c>.
    /// </summary>
    public static string In(this StorageProvider provider, string parameter) =>
        provider == StorageProvider.Postgres ? $"= ANY(@{parameter})" : $"IN @{parameter}";

    /// <summary>"is not in this list" (true for an empty list on both).</summary>
    public static string NotIn(this StorageProvider provider, string parameter) =>
        provider == StorageProvider.Postgres ? $"<> ALL(@{parameter})" : $"NOT IN @{parameter}";

    /// <summary>
    /// A column the planner must not use an index for: SQLite's unary plus on a term; PostgreSQL plans by statistics and
    /// has no such hint (and no unary plus on text), so there it is the column itself.
    /// </summary>
    public static string NoIndex(this StorageProvider provider, string column) =>
        provider == StorageProvider.Postgres ? column : $"+{column}";

    /// <summary>Position of <paramref name="needle"/> in <paramref name="haystack"/>, 1-based, 0 when absent.</summary>
    public static string Position(this StorageProvider provider, string haystack, string needle) =>
        provider == StorageProvider.Postgres ? $"strpos({haystack}, {needle})" : $"instr({haystack}, {needle})";

    /// <summary>The larger of two values (SQLite's two-argument scalar MAX; PostgreSQL's GREATEST).</summary>
    public static string Greatest(this StorageProvider provider, string a, string b) =>
        provider == StorageProvider.Postgres ? $"GREATEST({a}, {b})" : $"MAX({a}, {b})";

    /// <summary>The smaller of two values (SQLite's two-argument scalar MIN; PostgreSQL's LEAST).</summary>
    public static string Least(this StorageProvider provider, string a, string b) =>
        provider == StorageProvider.Postgres ? $"LEAST({a}, {b})" : $"MIN({a}, {b})";
}

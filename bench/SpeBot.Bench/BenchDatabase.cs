using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;

/// <summary>
/// The bot's database as the load generator reads it: the cards to vote on and, at the end, the counts that prove every
/// acked write durable. A SQLite file path, or a PostgreSQL connection string (anything with '=' in it) when the bot runs
/// on PostgreSQL: the counts then come from the server, after every instance acked.
/// </summary>
internal sealed class BenchDatabase(string target)
{
    public bool IsPostgres { get; } = target.Contains('=', StringComparison.Ordinal);

    public string Describe => IsPostgres ? "PostgreSQL" : $"SQLite {target}";

    public async Task<List<(string Channel, string Ts)>> CardsAsync()
    {
        await using var c = await OpenAsync();
        return [.. await c.QueryAsync<(string Channel, string Ts)>("SELECT channel_id, message_id FROM posted_messages WHERE channel_id LIKE 'CBENCH%'")];
    }

    public async Task<long> CountAsync(string table)
    {
        await using var c = await OpenAsync();
        return await c.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {table}");
    }

    private async Task<DbConnection> OpenAsync()
    {
        DbConnection c = IsPostgres ? new Npgsql.NpgsqlConnection(target) : new SqliteConnection($"Data Source={target};Mode=ReadOnly");
        await c.OpenAsync();
        return c;
    }
}

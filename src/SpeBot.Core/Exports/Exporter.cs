using System.Globalization;
using System.Text;
using System.Text.Json;
using Dapper;
using SpeBot.Core.Items;
using SpeBot.Core.Storage;

namespace SpeBot.Core.Exports;

/// <summary>A workspace's items with their votes and audit trail, as CSV or JSON.</summary>
public sealed class Exporter(Database db)
{
    public static readonly string[] Formats = ["csv", "json"];

    public sealed record ExportFile(string Name, string ContentType, byte[] Content);

    private sealed record Row(Item Item, IReadOnlyList<string> Voters, IReadOnlyList<ItemEvent> Events);

    public async Task<ExportFile> BuildAsync(long workspaceId, string format, DateTimeOffset now, CancellationToken ct = default)
    {
        var rows = await db.ReadAsync(async c =>
        {
            var items = (await c.QueryAsync<Item>(new CommandDefinition(
                $"{ItemStore.Select} WHERE i.workspace_id = @workspaceId ORDER BY i.number", new { workspaceId }, cancellationToken: ct))).ToList();
            var votes = (await c.QueryAsync<(long ItemId, string VoterId)>(new CommandDefinition(
                "SELECT v.item_id, v.voter_id FROM votes v JOIN items i ON i.id = v.item_id WHERE i.workspace_id = @workspaceId ORDER BY v.created_at",
                new { workspaceId }, cancellationToken: ct))).ToLookup(v => v.ItemId, v => v.VoterId);
            var events = (await c.QueryAsync<ItemEvent>(new CommandDefinition(
                "SELECT e.* FROM item_events e JOIN items i ON i.id = e.item_id WHERE i.workspace_id = @workspaceId ORDER BY e.id",
                new { workspaceId }, cancellationToken: ct))).ToLookup(e => e.ItemId);
            return items.Select(i => new Row(i, votes[i.Id].ToList(), events[i.Id].ToList())).ToList();
        }, ct);
        var stamp = now.UtcDateTime.ToString("yyyyMMdd-HHmm", CultureInfo.InvariantCulture);
        return format == "json"
            ? new ExportFile($"spebot-items-{stamp}.json", "application/json", JsonSerializer.SerializeToUtf8Bytes(rows.Select(Json), JsonOptions))
            : new ExportFile($"spebot-items-{stamp}.csv", "text/csv", Csv(rows));
    }

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static object Json(Row r) => new
    {
        id = r.Item.Ref, title = r.Item.Title, detail = r.Item.Detail, category = r.Item.Category, status = r.Item.Status,
        author = r.Item.AuthorId, team = r.Item.Team, impact = r.Item.Impact, effort = r.Item.Effort,
        created_at = Iso.Of(r.Item.CreatedAt), claimed_by = r.Item.ClaimedBy, done_at = r.Item.DoneAt is { } d ? Iso.Of(d) : null,
        done_by = r.Item.DoneBy, evidence = r.Item.Evidence, decline_reason = r.Item.DeclineReason, permalink = r.Item.SourcePermalink,
        votes = r.Voters.Count, voters = r.Voters,
        events = r.Events.Select(e => new { at = Iso.Of(e.CreatedAt), actor = e.ActorId, action = e.Action, detail = e.Detail }),
    };

    private static readonly string[] Header =
        ["id", "title", "detail", "category", "status", "author", "team", "impact", "effort", "created_at", "claimed_by", "done_at",
         "done_by", "evidence", "decline_reason", "permalink", "votes", "voters", "events"];

    private static byte[] Csv(IEnumerable<Row> rows)
    {
        var sb = new StringBuilder();
        sb.AppendJoin(',', Header).Append("\r\n");
        foreach (var r in rows)
        {
            var i = r.Item;
            string?[] fields =
            [
                i.Ref, i.Title, i.Detail, i.Category, i.Status, i.AuthorId, i.Team, i.Impact?.ToString(CultureInfo.InvariantCulture),
                i.Effort?.ToString(CultureInfo.InvariantCulture), Iso.Of(i.CreatedAt), i.ClaimedBy, i.DoneAt is { } d ? Iso.Of(d) : null,
                i.DoneBy, i.Evidence, i.DeclineReason, i.SourcePermalink, r.Voters.Count.ToString(CultureInfo.InvariantCulture),
                string.Join(' ', r.Voters),
                string.Join(" | ", r.Events.Select(e => $"{Iso.Of(e.CreatedAt)} {e.ActorId} {e.Action}{(e.Detail is null ? "" : ": " + e.Detail)}")),
            ];
            sb.AppendJoin(',', fields.Select(CsvField)).Append("\r\n");
        }
        // A BOM so spreadsheet programs read Japanese as UTF-8.
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(sb.ToString())];
    }

    /// <summary>RFC 4180 quoting, plus a leading apostrophe on text a spreadsheet would run as a formula.</summary>
    internal static string CsvField(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        return value.AsSpan().IndexOfAny("\",\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}

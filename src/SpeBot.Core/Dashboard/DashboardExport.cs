using System.Globalization;
using System.Text;
using System.Text.Json;
using SpeBot.Core.Exports;
using SpeBot.Core.Storage;

namespace SpeBot.Core.Dashboard;

/// <summary>What the board's filters show, as CSV (spreadsheet-safe, UTF-8 with BOM) or JSON.</summary>
public static class DashboardExport
{
    private static readonly string[] Header =
        ["id", "title", "category", "status", "team", "author", "claimed_by", "done_by", "votes", "score", "impact", "effort", "created_at", "done_at", "evidence"];

    public static byte[] Csv(IReadOnlyList<ItemView> views)
    {
        var sb = new StringBuilder();
        sb.AppendJoin(',', Header).Append("\r\n");
        foreach (var v in views)
        {
            var i = v.Item;
            string?[] fields =
            [
                i.Ref, i.Title, i.Category, i.Status, i.Team, i.AuthorId, i.ClaimedBy, i.DoneBy, i.Votes.ToString(CultureInfo.InvariantCulture),
                v.Score.ToString("0.##", CultureInfo.InvariantCulture), i.Impact?.ToString(CultureInfo.InvariantCulture),
                i.Effort?.ToString(CultureInfo.InvariantCulture), Iso.Of(i.CreatedAt), i.DoneAt is { } d ? Iso.Of(d) : null, i.Evidence,
            ];
            sb.AppendJoin(',', fields.Select(Exporter.CsvField)).Append("\r\n");
        }
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(sb.ToString())];
    }

    public static object Row(ItemView v) => new
    {
        id = v.Item.Ref, number = v.Item.Number, title = v.Item.Title, category = v.Item.Category, status = v.Item.Status, team = v.Item.Team,
        author = v.Item.AuthorId, claimedBy = v.Item.ClaimedBy, doneBy = v.Item.DoneBy, votes = v.Item.Votes, score = Math.Round(v.Score, 2),
        impact = v.Item.Impact, effort = v.Item.Effort, createdAt = Iso.Of(v.Item.CreatedAt),
        doneAt = v.Item.DoneAt is { } d ? Iso.Of(d) : null, evidence = v.Item.Evidence,
    };

    public static byte[] Json(IReadOnlyList<ItemView> views) =>
        JsonSerializer.SerializeToUtf8Bytes(views.Select(Row), new JsonSerializerOptions
        {
            WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });
}

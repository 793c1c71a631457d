using System.Globalization;
using System.Text;
using System.Text.Json;
using SpeBot.Core.Dashboard;
using SpeBot.Core.Items;
using SpeBot.Core.Storage;
using SpeBot.Core.Workspaces;
using static SpeBot.Host.Dashboard.HtmlText;

namespace SpeBot.Host.Dashboard;

/// <summary>
/// Server-rendered pages: everything a page shows is in its HTML (charts' data too, as JSON beside their tables), so a
/// page is one round trip plus cached assets, and reads without JavaScript as tables.
/// </summary>
public sealed class DashboardPages(HtmlText text, StaticAssets assets)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public IResult Explain(string locale, string titleKey, string bodyKey, int status, Dictionary<string, object?>? args = null) =>
        Html(Layout(locale, text.T(locale, titleKey), null, null,
            $"<section class=\"notice\"><h2>{text.T(locale, titleKey)}</h2><p>{text.T(locale, bodyKey, args)}</p></section>"), status);

    public IResult Board(DashboardSession s, Workspace w, BoardFilter f, BoardPage page)
    {
        var l = s.Locale;
        var sb = new StringBuilder();
        sb.Append("<form class=\"filters\" method=\"get\" action=\"/\" role=\"search\">");
        Select(sb, l, "status", "dashboard.filter.status", f.Status,
            [("open", text.T(l, "dashboard.filter.open")), .. DashboardQueries.Statuses.Select(st => (st, text.T(l, $"status.{st}")))]);
        Select(sb, l, "category", "dashboard.filter.category", f.Category, Category.All.Select(c => (c, text.T(l, $"category.{c}"))).ToList());
        Input(sb, l, "team", "dashboard.filter.team", f.Team);
        Input(sb, l, "person", "dashboard.filter.person", f.Person);
        Input(sb, l, "q", "dashboard.filter.text", f.Text);
        sb.Append($"<button type=\"submit\">{text.T(l, "dashboard.filter.apply")}</button> <a href=\"/\">{text.T(l, "dashboard.filter.clear")}</a></form>");

        var query = Query(f, page: null);
        sb.Append("<p class=\"exports\">")
          .Append($"<a id=\"export-csv\" href=\"/api/dashboard/export.csv{query}\">{text.T(l, "dashboard.export.csv")}</a> ")
          .Append($"<a id=\"export-json\" href=\"/api/dashboard/export.json{query}\">{text.T(l, "dashboard.export.json")}</a></p>");

        sb.Append("<ul class=\"counts\">");
        foreach (var st in DashboardQueries.Statuses)
            sb.Append($"<li data-status=\"{st}\"><a href=\"/?status={st}\">{text.T(l, $"status.{st}")} <b>{page.CountsByStatus.GetValueOrDefault(st)}</b></a></li>");
        sb.Append("</ul>");

        if (page.Items.Count == 0) sb.Append($"<p class=\"empty\">{text.T(l, "dashboard.empty")}</p>");
        else
        {
            sb.Append("<table class=\"board\"><thead><tr>");
            foreach (var h in new[] { "ref", "title", "status", "category", "team", "votes", "score", "author", "claimed" })
                sb.Append($"<th scope=\"col\">{text.T(l, $"dashboard.col.{h}")}</th>");
            sb.Append("</tr></thead><tbody>");
            foreach (var v in page.Items)
            {
                var i = v.Item;
                sb.Append($"<tr data-ref=\"{i.Ref}\"><td><a href=\"/items/{i.Number}\">{i.Ref}</a></td><td>{E(i.Title)}</td>")
                  .Append($"<td><span class=\"status {E(i.Status)}\">{text.T(l, $"status.{i.Status}")}</span></td><td>{text.T(l, $"category.{i.Category}")}</td>")
                  .Append($"<td>{E(i.Team)}</td><td class=\"num votes\">{i.Votes}</td><td class=\"num\">{v.Score.ToString("0.##", CultureInfo.InvariantCulture)}</td>")
                  .Append($"<td>{E(i.AuthorId)}</td><td>{E(i.ClaimedBy ?? i.DoneBy)}</td></tr>");
            }
            sb.Append("</tbody></table>");
        }
        sb.Append("<nav class=\"pager\">");
        if (page.Page > 1) sb.Append($"<a rel=\"prev\" href=\"/{Query(f, page.Page - 1)}\">{text.T(l, "dashboard.page.prev")}</a> ");
        sb.Append($"<span>{text.T(l, "dashboard.page", new() { ["page"] = page.Page })}</span>");
        if (page.HasMore) sb.Append($" <a rel=\"next\" href=\"/{Query(f, page.Page + 1)}\">{text.T(l, "dashboard.page.next")}</a>");
        sb.Append("</nav>");
        return Html(Layout(l, text.T(l, "dashboard.nav.board"), s, w, sb.ToString()));
    }

    public IResult Item(DashboardSession s, Workspace w, ItemDetail d)
    {
        var l = s.Locale;
        var i = d.View.Item;
        var sb = new StringBuilder();
        sb.Append($"<p><a href=\"/\">{text.T(l, "dashboard.item.back")}</a></p>")
          .Append($"<article class=\"item\" data-ref=\"{i.Ref}\"><h2>{i.Ref} {E(i.Title)}</h2>")
          .Append($"<p class=\"facts\"><span class=\"status {E(i.Status)}\">{text.T(l, $"status.{i.Status}")}</span> · {text.T(l, $"category.{i.Category}")}")
          .Append(i.Team is null ? "" : $" · {E(i.Team)}")
          .Append($" · {text.T(l, "dashboard.col.votes")} <b class=\"votes\">{i.Votes}</b> · {text.T(l, "dashboard.col.score")} <b>{d.View.Score.ToString("0.##", CultureInfo.InvariantCulture)}</b></p>");
        if (i.Detail is not null) sb.Append($"<h3>{text.T(l, "dashboard.item.detail")}</h3><p class=\"detail\">{E(i.Detail)}</p>");
        if (i.Evidence is not null) sb.Append($"<h3>{text.T(l, "dashboard.item.evidence")}</h3><p class=\"evidence\">{E(i.Evidence)}</p>");
        if (i.DeclineReason is not null) sb.Append($"<h3>{text.T(l, "dashboard.item.declined")}</h3><p>{E(i.DeclineReason)}</p>");

        sb.Append($"<h3>{text.T(l, "dashboard.item.links")}</h3><ul class=\"links\">");
        foreach (var (platform, channel, message) in d.Cards)
            sb.Append($"<li><a href=\"{E(ChatLinks.Message(w, platform, channel, message))}\">{text.T(l, "dashboard.item.card", new() { ["channel"] = channel })}</a></li>");
        if (i.SourcePermalink is not null && Uri.TryCreate(i.SourcePermalink, UriKind.Absolute, out var src) && src.Scheme is "https" or "http")
            sb.Append($"<li><a href=\"{E(i.SourcePermalink)}\">{text.T(l, "dashboard.item.source")}</a></li>");
        sb.Append("</ul>");

        sb.Append($"<h3>{text.T(l, "dashboard.item.history")}</h3><table class=\"history\"><thead><tr><th>{text.T(l, "dashboard.col.when")}</th><th>{text.T(l, "dashboard.col.who")}</th><th>{text.T(l, "dashboard.col.what")}</th></tr></thead><tbody>");
        foreach (var e in d.History)
            sb.Append($"<tr data-action=\"{E(e.Action)}\"><td>{e.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)}</td><td>{E(e.ActorId)}</td><td>{text.T(l, $"event.{e.Action}")}{(e.Detail is null ? "" : ": " + E(e.Detail))}</td></tr>");
        sb.Append("</tbody></table>");

        sb.Append($"<h3>{text.T(l, "dashboard.item.votes", new() { ["count"] = d.Votes.Count })}</h3>");
        if (d.Votes.Count == 0) sb.Append($"<p>{text.T(l, "dashboard.item.no_votes")}</p>");
        else
        {
            sb.Append($"<table class=\"voters\"><thead><tr><th>{text.T(l, "dashboard.col.who")}</th><th>{text.T(l, "dashboard.col.via")}</th><th>{text.T(l, "dashboard.col.when")}</th></tr></thead><tbody>");
            foreach (var v in d.Votes)
                sb.Append($"<tr><td>{E(v.VoterId)}</td><td>{E(v.Via)}</td><td>{v.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)}</td></tr>");
            sb.Append("</tbody></table>");
        }
        sb.Append("</article>");
        return Html(Layout(l, $"{i.Ref} {E(i.Title)}", s, w, sb.ToString()));
    }

    public IResult Charts(DashboardSession s, Workspace w, ChartsData c)
    {
        var l = s.Locale;
        var sb = new StringBuilder();
        string Week(DateTimeOffset t) => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        string Team(string t) => t.Length == 0 ? text.T(l, "dashboard.no_team") : E(t);
        string N(double x) => x.ToString("0.##", CultureInfo.InvariantCulture);

        Chart("flow", [text.T(l, "dashboard.col.week"), text.T(l, "status.proposed"), text.T(l, "status.accepted"), text.T(l, "status.done")],
            c.Flow.Select(x => new[] { Week(x.Week), $"{x.Proposed}", $"{x.Accepted}", $"{x.Done}" }));
        Chart("open", [text.T(l, "dashboard.col.category"), text.T(l, "dashboard.col.open")],
            c.Open.Select(x => new[] { text.T(l, $"category.{x.Category}"), $"{x.Open}" }));
        Chart("capacity", [text.T(l, "dashboard.col.team"), text.T(l, "dashboard.col.week"), text.T(l, "dashboard.col.pledged"), text.T(l, "dashboard.col.delivered")],
            c.Capacity.Select(x => new[] { Team(x.Team), Week(x.Week), N(x.Pledged), N(x.Delivered) }));
        Chart("lead", [text.T(l, "dashboard.col.category"), text.T(l, "dashboard.col.items"), text.T(l, "dashboard.col.median"), text.T(l, "dashboard.col.p90")],
            c.Lead.Select(x => new[] { text.T(l, $"category.{x.Category}"), $"{x.Items}", N(x.MedianDays), N(x.P90Days) }));
        Chart("funnel", [text.T(l, "dashboard.col.stage"), text.T(l, "dashboard.col.items")],
            c.Funnel.Select(x => new[] { text.T(l, x.Stage == "claimed" ? "dashboard.stage.claimed" : $"status.{x.Stage}"), $"{x.Items}" }));
        Chart("recognition", [text.T(l, "dashboard.col.person"), text.T(l, "dashboard.col.done"), text.T(l, "dashboard.col.what")],
            c.Recognition.Select(x => new[] { E(x.UserId), $"{x.Done}", string.Join("<br>", x.Items.Select(E)) }));

        // Labels go to the script already localised; the script sets them with textContent, never as HTML.
        var data = new
        {
            labels = new Dictionary<string, string>
            {
                ["proposed"] = text.Raw(l, "status.proposed"), ["accepted"] = text.Raw(l, "status.accepted"), ["done"] = text.Raw(l, "status.done"),
                ["claimed"] = text.Raw(l, "dashboard.stage.claimed"), ["open"] = text.Raw(l, "dashboard.col.open"),
                ["pledged"] = text.Raw(l, "dashboard.col.pledged"), ["delivered"] = text.Raw(l, "dashboard.col.delivered"),
                ["median"] = text.Raw(l, "dashboard.col.median"), ["p90"] = text.Raw(l, "dashboard.col.p90"), ["noTeam"] = text.Raw(l, "dashboard.no_team"),
                ["asTable"] = text.Raw(l, "dashboard.chart.as_table"), ["asChart"] = text.Raw(l, "dashboard.chart.as_chart"),
                ["items"] = text.Raw(l, "dashboard.col.items"),
            },
            categories = Category.All.ToDictionary(x => x, x => text.Raw(l, $"category.{x}")),
            charts = c,
        };
        // "<" is escaped by the serializer's default encoder, so no text can close the script element.
        sb.Append($"<script type=\"application/json\" id=\"chart-data\">{JsonSerializer.Serialize(data, Json)}</script>");
        sb.Append($"<script src=\"{assets.Url("/lib/chart.js-4.6.1/chart.umd.min.js")}\" defer></script><script src=\"{assets.Url("/dashboard/charts.js")}\" defer></script>");
        return Html(Layout(l, text.T(l, "dashboard.nav.charts"), s, w, sb.ToString()));

        void Chart(string id, string[] head, IEnumerable<string[]> rows)
        {
            var list = rows.ToList();
            sb.Append($"<section class=\"chart\" id=\"chart-{id}\" data-chart=\"{id}\"><h2>{text.T(l, $"dashboard.chart.{id}")}</h2>")
              .Append($"<button type=\"button\" class=\"toggle\" aria-controls=\"table-{id}\">{text.T(l, "dashboard.chart.as_table")}</button>")
              .Append($"<div class=\"canvas\"><canvas id=\"canvas-{id}\" role=\"img\" aria-label=\"{text.T(l, $"dashboard.chart.{id}")}\"></canvas></div>");
            if (list.Count == 0) sb.Append($"<p class=\"empty\">{text.T(l, "dashboard.chart.no_data")}</p>");
            sb.Append($"<table class=\"data\" id=\"table-{id}\"><thead><tr>{string.Concat(head.Select(h => $"<th scope=\"col\">{h}</th>"))}</tr></thead><tbody>");
            foreach (var r in list) sb.Append($"<tr>{string.Concat(r.Select(x => $"<td>{x}</td>"))}</tr>");
            sb.Append("</tbody></table></section>");
        }
    }

    private string Layout(string locale, string title, DashboardSession? s, Workspace? w, string main)
    {
        var sb = new StringBuilder();
        sb.Append($"<!doctype html><html lang=\"{locale}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
          .Append($"<title>{title} · {text.T(locale, "dashboard.title")}</title><link rel=\"stylesheet\" href=\"{assets.Url("/dashboard/dashboard.css")}\"></head><body>")
          .Append($"<header><h1><a href=\"/\">{text.T(locale, "dashboard.title")}</a></h1>");
        if (s is not null && w is not null)
        {
            sb.Append($"<nav><a href=\"/\">{text.T(locale, "dashboard.nav.board")}</a> <a href=\"/charts\">{text.T(locale, "dashboard.nav.charts")}</a></nav>")
              .Append($"<span class=\"who\">{text.T(locale, "dashboard.signed_in", new() { ["user"] = s.UserId, ["workspace"] = w.Name ?? w.ExternalId })}</span>")
              .Append($"<form method=\"post\" action=\"/signout\"><button type=\"submit\">{text.T(locale, "dashboard.signout")}</button></form>");
        }
        sb.Append($"</header><main>{main}</main></body></html>");
        return sb.ToString();
    }

    private void Select(StringBuilder sb, string l, string name, string label, string? current, IReadOnlyList<(string Value, string Text)> options)
    {
        sb.Append($"<label>{text.T(l, label)} <select name=\"{name}\"><option value=\"\">{text.T(l, "dashboard.filter.any")}</option>");
        foreach (var (value, t) in options) sb.Append($"<option value=\"{value}\"{(value == current ? " selected" : "")}>{t}</option>");
        sb.Append("</select></label> ");
    }

    private void Input(StringBuilder sb, string l, string name, string label, string? current) =>
        sb.Append($"<label>{text.T(l, label)} <input type=\"search\" name=\"{name}\" value=\"{E(current)}\" maxlength=\"200\"></label> ");

    public static string Query(BoardFilter f, int? page)
    {
        var parts = new List<string>();
        void Add(string k, string? v) { if (!string.IsNullOrWhiteSpace(v)) parts.Add($"{k}={Uri.EscapeDataString(v)}"); }
        Add("status", f.Status); Add("category", f.Category); Add("team", f.Team); Add("person", f.Person); Add("q", f.Text);
        if (page is > 1) parts.Add($"page={page}");
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }

    private static IResult Html(string html, int status = StatusCodes.Status200OK) =>
        Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);
}

/// <summary>Every chart's data, as the charts page draws it and the API returns it.</summary>
public sealed record ChartsData(
    IReadOnlyList<WeekCount> Flow, IReadOnlyList<CategoryCount> Open, IReadOnlyList<TeamWeek> Capacity,
    IReadOnlyList<LeadTime> Lead, IReadOnlyList<FunnelStage> Funnel, IReadOnlyList<Recognition> Recognition);

using Microsoft.Extensions.Options;
using SpeBot.Core;
using SpeBot.Core.Dashboard;
using SpeBot.Core.Items;
using SpeBot.Core.Workspaces;

namespace SpeBot.Host.Dashboard;

/// <summary>
/// The dashboard at <c>/</c>: board, item pages, charts, exports and their JSON API. Read-only. Every route but the
/// sign-in link answers only with a session, and only with that session's workspace.
/// </summary>
public static class DashboardEndpoints
{
    public static readonly string[] PageRoutes = ["/", "/items/1", "/charts"];
    public static readonly string[] ApiRoutes =
        ["/api/dashboard/board", "/api/dashboard/items/1", "/api/dashboard/charts", "/api/dashboard/export.csv", "/api/dashboard/export.json"];

    public static IServiceCollection AddDashboard(this IServiceCollection services)
    {
        services.AddSingleton<HtmlText>();
        services.AddSingleton<StaticAssets>();
        services.AddSingleton<DashboardPages>();
        return services;
    }

    public static WebApplication MapDashboard(this WebApplication app)
    {
        StaticAssets.UseCachedStaticFiles(app);
        app.MapGet("/signin/{token}", SignInAsync);

        app.MapGet("/", BoardAsync).RequireSession(api: false);
        app.MapGet("/items/{number:long}", ItemAsync).RequireSession(api: false);
        app.MapGet("/charts", ChartsPageAsync).RequireSession(api: false);
        app.MapPost("/signout", SignOutAsync).RequireSession(api: false);

        var api = app.MapGroup("/api/dashboard");
        api.MapGet("/board", BoardJsonAsync).RequireSession(api: true);
        api.MapGet("/items/{number:long}", ItemJsonAsync).RequireSession(api: true);
        api.MapGet("/charts", ChartsJsonAsync).RequireSession(api: true);
        api.MapGet("/export.csv", (HttpContext h, DashboardQueries q, CancellationToken ct) => ExportAsync(h, q, "csv", ct)).RequireSession(api: true);
        api.MapGet("/export.json", (HttpContext h, DashboardQueries q, CancellationToken ct) => ExportAsync(h, q, "json", ct)).RequireSession(api: true);
        // Anything else under the API is a 401 without a session too, then a 404: its shape tells an outsider nothing.
        api.MapGet("/{**rest}", () => Results.NotFound()).RequireSession(api: true);
        return app;
    }

    private static async Task<IResult> SignInAsync(string token, HttpContext http, DashboardSessions sessions, DashboardPages pages,
        IOptions<DashboardOptions> options, IOptions<SpeBotOptions> spebot, CancellationToken ct)
    {
        http.Response.Headers.CacheControl = "no-store";
        // The link's token must not leak to other sites through the Referer of anything the next page loads.
        http.Response.Headers["Referrer-Policy"] = "no-referrer";
        var (sessionToken, session, problem) = await sessions.RedeemAsync(token, ct);
        if (sessionToken is null || session is null)
        {
            var locale = DashboardAuth.LocaleOf(http, spebot.Value.DefaultLocale);
            var key = problem switch { LinkProblem.Used => "dashboard.signin.used", LinkProblem.Expired => "dashboard.signin.expired", _ => "dashboard.signin.unknown" };
            return pages.Explain(locale, "dashboard.signin.title", key, problem == LinkProblem.Unknown ? StatusCodes.Status404NotFound : StatusCodes.Status410Gone);
        }
        DashboardAuth.SetCookie(http, sessionToken, options.Value);
        return Results.Redirect("/");
    }

    private static async Task<IResult> SignOutAsync(HttpContext http, DashboardSessions sessions, DashboardPages pages, CancellationToken ct)
    {
        if (http.Request.Cookies[DashboardAuth.Cookie] is { } token) await sessions.EndAsync(token, ct);
        DashboardAuth.ClearCookie(http);
        return pages.Explain(http.Session().Locale, "dashboard.signed_out", "dashboard.signin.body", StatusCodes.Status200OK);
    }

    private static async Task<IResult> BoardAsync(HttpContext http, DashboardQueries queries, DashboardPages pages, WorkspaceStore workspaces, CancellationToken ct)
    {
        var s = http.Session();
        if (ReadFilter(http, out var filter) is { } bad)
            return pages.Explain(s.Locale, "dashboard.title", "dashboard.bad_filter", StatusCodes.Status400BadRequest, new() { ["what"] = bad });
        var page = await queries.BoardAsync(s.WorkspaceId, filter, ct);
        return pages.Board(s, (await workspaces.GetAsync(s.WorkspaceId, ct))!, filter, page);
    }

    private static async Task<IResult> ItemAsync(long number, HttpContext http, DashboardQueries queries, DashboardPages pages, WorkspaceStore workspaces, CancellationToken ct)
    {
        var s = http.Session();
        var detail = await queries.ItemAsync(s.WorkspaceId, number, ct);
        if (detail is null)
            return pages.Explain(s.Locale, "dashboard.title", "dashboard.item.not_found", StatusCodes.Status404NotFound, new() { ["ref"] = ItemRef.Format(number) });
        return pages.Item(s, (await workspaces.GetAsync(s.WorkspaceId, ct))!, detail);
    }

    private static async Task<IResult> ChartsPageAsync(HttpContext http, DashboardQueries queries, DashboardPages pages, WorkspaceStore workspaces, CancellationToken ct)
    {
        var s = http.Session();
        return pages.Charts(s, (await workspaces.GetAsync(s.WorkspaceId, ct))!, await ChartsAsync(queries, s.WorkspaceId, ct));
    }

    public static async Task<ChartsData> ChartsAsync(DashboardQueries q, long workspaceId, CancellationToken ct) =>
        new(await q.WeeklyFlowAsync(workspaceId, ct), await q.OpenByCategoryAsync(workspaceId, ct), await q.CapacityAsync(workspaceId, ct),
            await q.LeadTimesAsync(workspaceId, ct), await q.FunnelAsync(workspaceId, ct), await q.RecognitionAsync(workspaceId, ct));

    private static async Task<IResult> BoardJsonAsync(HttpContext http, DashboardQueries queries, CancellationToken ct)
    {
        var s = http.Session();
        if (ReadFilter(http, out var filter) is { } bad) return Results.BadRequest(new { error = "bad_filter", detail = bad });
        var page = await queries.BoardAsync(s.WorkspaceId, filter, ct);
        return Results.Json(new { page = page.Page, hasMore = page.HasMore, counts = page.CountsByStatus, items = page.Items.Select(DashboardExport.Row) });
    }

    private static async Task<IResult> ItemJsonAsync(long number, HttpContext http, DashboardQueries queries, CancellationToken ct)
    {
        var d = await queries.ItemAsync(http.Session().WorkspaceId, number, ct);
        if (d is null) return Results.NotFound(new { error = "not_found" });
        return Results.Json(new
        {
            item = DashboardExport.Row(d.View), detail = d.View.Item.Detail,
            history = d.History.Select(e => new { at = e.CreatedAt, actor = e.ActorId, action = e.Action, detail = e.Detail }),
            votes = d.Votes.Select(v => new { voter = v.VoterId, via = v.Via, at = v.CreatedAt }),
        });
    }

    private static async Task<IResult> ChartsJsonAsync(HttpContext http, DashboardQueries queries, CancellationToken ct) =>
        Results.Json(await ChartsAsync(queries, http.Session().WorkspaceId, ct));

    private static async Task<IResult> ExportAsync(HttpContext http, DashboardQueries queries, string format, CancellationToken ct)
    {
        if (ReadFilter(http, out var filter) is { } bad) return Results.BadRequest(new { error = "bad_filter", detail = bad });
        var rows = await queries.ExportAsync(http.Session().WorkspaceId, filter, ct);
        return format == "csv"
            ? Results.File(DashboardExport.Csv(rows), "text/csv; charset=utf-8", "spebot-items.csv")
            : Results.File(DashboardExport.Json(rows), "application/json; charset=utf-8", "spebot-items.json");
    }

    /// <summary>Reads the board's query string; returns what is wrong, or null when every filter is valid.</summary>
    internal static string? ReadFilter(HttpContext http, out BoardFilter filter)
    {
        var q = http.Request.Query;
        string? Get(string k) => q[k].ToString() is { Length: > 0 } v ? v.Trim() : null;
        filter = new BoardFilter(Get("status"), Get("category"), Get("team"), Get("person"), Get("q"));
        if (filter.Status is { } st && st != "open" && !DashboardQueries.Statuses.Contains(st)) return "status";
        if (filter.Category is { } c && !Category.All.Contains(c)) return "category";
        if (filter.Team?.Length > 80 || filter.Person?.Length > 64 || filter.Text?.Length > 200) return "length";
        if (Get("page") is { } p)
        {
            if (!int.TryParse(p, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) || n < 1 || n > 100_000)
                return "page";
            filter = filter with { Page = n };
        }
        return null;
    }
}

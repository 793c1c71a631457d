using Microsoft.Extensions.Options;
using SpeBot.Core.Dashboard;
using SpeBot.Core.Text;

namespace SpeBot.Host.Dashboard;

/// <summary>
/// The session cookie and the gate in front of every dashboard route: no session, no workspace data. Pages answer 401
/// with a page that explains how to sign in; the API answers 401 JSON.
/// </summary>
public static class DashboardAuth
{
    public const string Cookie = "spebot_session";
    private const string SessionKey = "spebot.dashboard.session";

    public static DashboardSession Session(this HttpContext http) => (DashboardSession)http.Items[SessionKey]!;

    /// <summary>HttpOnly (scripts never see it), SameSite=Lax (no cross-site POST carries it), Secure when served or published over https.</summary>
    public static void SetCookie(HttpContext http, string token, DashboardOptions options) =>
        http.Response.Cookies.Append(Cookie, token, new CookieOptions
        {
            HttpOnly = true, SameSite = SameSiteMode.Lax, Path = "/", IsEssential = true,
            Secure = http.Request.IsHttps || options.PublicUrl.StartsWith("https:", StringComparison.OrdinalIgnoreCase),
            MaxAge = TimeSpan.FromHours(options.SessionHours),
        });

    public static void ClearCookie(HttpContext http) => http.Response.Cookies.Delete(Cookie, new CookieOptions { Path = "/" });

    /// <summary>Endpoint filter: resolves the session or answers 401 before the handler runs.</summary>
    public static RouteHandlerBuilder RequireSession(this RouteHandlerBuilder builder, bool api) =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var sessions = http.RequestServices.GetRequiredService<DashboardSessions>();
            var session = await sessions.FindAsync(http.Request.Cookies[Cookie], http.RequestAborted);
            if (session is null)
            {
                // Nothing cached: a 401 page must never be replayed to someone who is signed in, nor a page to someone who is not.
                http.Response.Headers.CacheControl = "no-store";
                if (api) return Results.Json(new { error = "sign_in_required" }, statusCode: StatusCodes.Status401Unauthorized);
                var pages = http.RequestServices.GetRequiredService<DashboardPages>();
                return pages.Explain(LocaleOf(http, http.RequestServices.GetRequiredService<IOptions<SpeBot.Core.SpeBotOptions>>().Value.DefaultLocale),
                    "dashboard.signin.title", "dashboard.signin.body", StatusCodes.Status401Unauthorized);
            }
            http.Items[SessionKey] = session;
            http.Response.Headers.CacheControl = "private, no-store";
            return await next(context);
        });

    /// <summary>Before sign-in the page follows the browser's language, since no person is known yet.</summary>
    public static string LocaleOf(HttpContext http, string fallback)
    {
        var header = http.Request.Headers.AcceptLanguage.ToString();
        var first = header.Split(',', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Split(';')[0];
        return MessageCatalog.Normalize(first) ?? fallback;
    }
}

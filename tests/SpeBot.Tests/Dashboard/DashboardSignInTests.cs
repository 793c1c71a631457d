using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using SpeBot.Host.Dashboard;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Dashboard;

/// <summary>Sign-in from chat and the session gate in front of every dashboard route, through the real host.</summary>
public sealed partial class DashboardSignInTests : SlackHost
{
    [GeneratedRegex(@"/signin/([A-Za-z0-9_-]{43})")]
    private static partial Regex LinkToken();

    private async Task<string> LinkAsync(string user = "U111", string team = "T1")
    {
        var response = await Client.SendAsync(SignedSlackRequest.Command("dashboard", user, team: team));
        response.EnsureSuccessStatusCode();
        var ack = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("ephemeral", ack["response_type"]?.GetValue<string>());
        var m = LinkToken().Match(ack["text"]!.GetValue<string>());
        Assert.True(m.Success, $"no sign-in link in: {ack["text"]}");
        return m.Groups[1].Value;
    }

    private HttpClient Browser() => Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    [Fact]
    public async Task Every_dashboard_page_without_a_session_answers_401_with_a_page_that_explains_how_to_sign_in()
    {
        await ProposeAsync("Secret title nobody outside may see");
        foreach (var route in DashboardEndpoints.PageRoutes)
        {
            var r = await Client.GetAsync(route);
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
            var html = await r.Content.ReadAsStringAsync();
            Assert.Contains("/spe dashboard", html);
            Assert.DoesNotContain("Secret title", html);
        }
        var signout = await Client.PostAsync("/signout", null);
        Assert.Equal(HttpStatusCode.Unauthorized, signout.StatusCode);
    }

    [Fact]
    public async Task Every_dashboard_api_without_a_session_or_with_a_forged_cookie_answers_401_json()
    {
        await ProposeAsync("Secret title nobody outside may see");
        foreach (var route in DashboardEndpoints.ApiRoutes.Append("/api/dashboard/anything/else"))
        {
            foreach (var cookie in new string?[] { null, "spebot_session=" + new string('a', 43), "spebot_session=not-a-token" })
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, route);
                if (cookie is not null) request.Headers.Add("Cookie", cookie);
                var r = await Client.SendAsync(request);
                Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
                var body = await r.Content.ReadAsStringAsync();
                Assert.Equal("sign_in_required", JsonNode.Parse(body)!["error"]!.GetValue<string>());
                Assert.DoesNotContain("Secret", body);
            }
        }
    }

    [Fact]
    public async Task A_link_from_spe_dashboard_starts_an_httponly_lax_session_and_works_only_once()
    {
        await ProposeAsync("Tune the slow query");
        var token = await LinkAsync();
        var browser = Browser();

        var first = await browser.GetAsync($"/signin/{token}");
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        var cookie = Assert.Single(first.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(token, cookie);

        var board = await browser.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, board.StatusCode);
        Assert.Contains("Tune the slow query", await board.Content.ReadAsStringAsync());

        var again = await Browser().GetAsync($"/signin/{token}");
        Assert.Equal(HttpStatusCode.Gone, again.StatusCode);
        Assert.Contains("already used", await again.Content.ReadAsStringAsync());
        Assert.Empty(again.Headers.TryGetValues("Set-Cookie", out var none) ? none : []);
    }

    [Fact]
    public async Task An_expired_or_made_up_link_gets_a_clear_page_and_no_session()
    {
        var token = await LinkAsync();
        await Factory.Get<SpeBot.Core.Storage.Database>().WriteAsync((c, tx) =>
            Dapper.SqlMapper.ExecuteAsync(c, "UPDATE dashboard_links SET expires_at = '2020-01-01T00:00:00.000Z'", transaction: tx));
        var expired = await Browser().GetAsync($"/signin/{token}");
        Assert.Equal(HttpStatusCode.Gone, expired.StatusCode);
        Assert.Contains("expired", await expired.Content.ReadAsStringAsync());

        var unknown = await Browser().GetAsync($"/signin/{new string('x', 43)}");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("not a valid sign-in link", await unknown.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_session_sees_only_its_own_workspace_on_the_board_in_exports_and_in_charts()
    {
        await CommandAsync("propose Ours: rotate certificates #security");
        var other = await Client.SendAsync(SignedSlackRequest.Command("propose Theirs: hidden backlog #cost", "U222", team: "T2"));
        other.EnsureSuccessStatusCode();
        var browser = Browser();
        await browser.GetAsync($"/signin/{await LinkAsync()}");

        var board = await (await browser.GetAsync("/")).Content.ReadAsStringAsync();
        Assert.Contains("Ours: rotate certificates", board);
        Assert.DoesNotContain("Theirs", board);
        var csv = await (await browser.GetAsync("/api/dashboard/export.csv")).Content.ReadAsStringAsync();
        Assert.Contains("Ours", csv);
        Assert.DoesNotContain("Theirs", csv);
        var item = await (await browser.GetAsync("/api/dashboard/items/1")).Content.ReadAsStringAsync();
        Assert.Contains("Ours", item);
        var charts = JsonNode.Parse(await (await browser.GetAsync("/api/dashboard/charts")).Content.ReadAsStringAsync())!;
        Assert.Equal(1, charts["funnel"]![0]!["items"]!.GetValue<int>());
        Assert.Equal("security", Assert.Single(charts["open"]!.AsArray())!["category"]!.GetValue<string>());
    }

    [Fact]
    public async Task Filters_and_japanese_text_narrow_the_board_and_the_export_and_a_bad_filter_is_a_400()
    {
        await CommandAsync("propose 監視のアラートを見直す #measurement team:sre");
        await CommandAsync("propose Upgrade the database #lifecycle team:data");
        var browser = Browser();
        await browser.GetAsync($"/signin/{await LinkAsync()}");

        var ja = await (await browser.GetAsync("/?q=" + Uri.EscapeDataString("アラート"))).Content.ReadAsStringAsync();
        Assert.Contains("監視のアラートを見直す", ja);
        Assert.DoesNotContain("Upgrade the database", ja);
        var team = JsonNode.Parse(await (await browser.GetAsync("/api/dashboard/board?team=DATA")).Content.ReadAsStringAsync())!;
        Assert.Equal("Upgrade the database", Assert.Single(team["items"]!.AsArray())!["title"]!.GetValue<string>());
        var json = JsonNode.Parse(await (await browser.GetAsync("/api/dashboard/export.json?category=measurement")).Content.ReadAsStringAsync())!;
        Assert.Equal("SPE-1", Assert.Single(json.AsArray())!["id"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.BadRequest, (await browser.GetAsync("/?status=bogus")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.GetAsync("/api/dashboard/board?page=0")).StatusCode);
    }

    [Fact]
    public async Task A_page_is_one_round_trip_of_html_whose_assets_are_cached_for_a_year_under_hashed_urls()
    {
        var browser = Browser();
        await browser.GetAsync($"/signin/{await LinkAsync()}");
        var charts = await browser.GetAsync("/charts");
        Assert.True(charts.Headers.CacheControl is { NoStore: true, Private: true }, $"{charts.Headers.CacheControl}");
        var html = await charts.Content.ReadAsStringAsync();
        Assert.Contains("id=\"chart-data\"", html); // the data rides in the page: no second request for it
        var assets = Regex.Matches(html, "(?:src|href)=\"(/(?:lib|dashboard)/[^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Contains(assets, a => a.StartsWith("/lib/chart.js-4.6.1/chart.umd.min.js?v=", StringComparison.Ordinal));
        Assert.Equal(3, assets.Count);
        foreach (var asset in assets)
        {
            var r = await Client.GetAsync(asset);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            var cache = r.Headers.CacheControl!;
            Assert.True(cache.Public && cache.MaxAge == TimeSpan.FromDays(365) && cache.Extensions.Any(e => e.Name == "immutable"), $"{asset}: {cache}");
        }
        Assert.Contains("MIT", await Client.GetStringAsync("/lib/chart.js-4.6.1/LICENSE.md"));
    }

    [Fact]
    public async Task The_pages_follow_the_persons_locale()
    {
        await CommandAsync("lang ja");
        var browser = Browser();
        await browser.GetAsync($"/signin/{await LinkAsync()}");
        var html = await (await browser.GetAsync("/charts")).Content.ReadAsStringAsync();
        Assert.Contains("<html lang=\"ja\"", html);
        Assert.Contains("ライフサイクルのファネル", html);
    }
}

public sealed class DashboardSecureCookieTests : SlackHost
{
    protected override Dictionary<string, string?> Settings => new() { ["Dashboard:PublicUrl"] = "https://spebot.example.com" };

    [Fact]
    public async Task Behind_an_https_public_url_the_link_points_there_and_the_cookie_is_secure()
    {
        var ack = await CommandAsync("dashboard");
        var text = TextOf(ack);
        Assert.Contains("https://spebot.example.com/signin/", text);
        var token = text[(text.IndexOf("/signin/", StringComparison.Ordinal) + 8)..][..43];
        var browser = Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var r = await browser.GetAsync($"/signin/{token}");
        Assert.Contains("secure", Assert.Single(r.Headers.GetValues("Set-Cookie")), StringComparison.OrdinalIgnoreCase);
    }
}

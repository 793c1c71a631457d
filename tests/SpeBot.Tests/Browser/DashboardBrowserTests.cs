using System.Text.Json;
using Microsoft.Playwright;
using SpeBot.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace SpeBot.Tests.Browser;

/// <summary>The dashboard in Debian's Chromium: signed in by a link from a signed /spe dashboard, drawn from the database.</summary>
[Trait("Category", "Browser")]
public sealed class DashboardBrowserTests : BrowserHost
{
    [Fact]
    public async Task Sign_in_from_chat_board_filters_japanese_search_item_history_and_every_chart_from_the_database()
    {
        // Data through the real path: playground commands signed into /slack/events.
        await PlaygroundCommandAsync("U0AIKO", "/spe propose Rotate the TLS certificates #security team:sre");
        await PlaygroundCommandAsync("U0AIKO", "/spe propose 監視のアラートを見直す #measurement team:sre");
        await PlaygroundCommandAsync("U0BEN", "/spe propose Upgrade PostgreSQL to 17 #lifecycle team:data");
        await PlaygroundCommandAsync("U0AIKO", "/spe accept SPE-1");
        await PlaygroundCommandAsync("U0BEN", "/spe claim SPE-1");
        await PlaygroundCommandAsync("U0BEN", "/spe done SPE-1 handshake p99 800 ms → 120 ms");
        await PlaygroundCommandAsync("U0AIKO", "/spe claim SPE-3");
        await PlaygroundCommandAsync("U0AIKO", "/spe pledge sre 10 per week");
        await OtherWorkspaceCommandAsync("propose Theirs: another workspace's secret #cost");

        // The link comes to Aiko only, in the playground, from a signed /spe dashboard.
        var chat = await NewPageAsync();
        await chat.GotoAsync("/playground?user=U0AIKO");
        await chat.GetByRole(AriaRole.Textbox).Last.FillAsync("/spe dashboard");
        await chat.GetByRole(AriaRole.Textbox).Last.PressAsync("Enter");
        var link = chat.Locator(".msg.ephemeral a[href*='/signin/']");
        await Expect(link).ToBeVisibleAsync();
        var href = (await link.GetAttributeAsync("href"))!;
        Assert.StartsWith(BaseUrl + "/signin/", href);
        await ShotAsync(chat, "playground-dashboard-link");

        var page = await NewPageAsync();
        await page.GotoAsync(href);
        await Expect(page).ToHaveURLAsync(BaseUrl + "/");
        await Expect(page.Locator("header .who")).ToContainTextAsync("U0AIKO");
        var rows = page.Locator("table.board tbody tr");
        await Expect(rows).ToHaveCountAsync(3);
        await Expect(page.Locator("main")).Not.ToContainTextAsync("Theirs");
        await ShotAsync(page, "dashboard-board");

        // The same link again, in another browser: refused with a clear page.
        var thief = await NewPageAsync();
        var reused = await thief.GotoAsync(href);
        Assert.Equal(410, reused!.Status);
        await Expect(thief.Locator("main")).ToContainTextAsync("already used");
        await thief.GotoAsync("/");
        await Expect(thief.Locator("main")).ToContainTextAsync("/spe dashboard");
        await Expect(thief.Locator("main")).Not.ToContainTextAsync("Rotate");

        // Filters: Japanese text, then team and status.
        await page.Locator("input[name='q']").FillAsync("アラート");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToContainTextAsync("監視のアラートを見直す");
        await page.GotoAsync("/?team=sre&status=done");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToContainTextAsync("Rotate the TLS certificates");
        await Expect(page.Locator("#export-csv")).ToHaveAttributeAsync("href", "/api/dashboard/export.csv?status=done&team=sre");

        // The item's page: its history from proposal to done, with the evidence and the link back to its card.
        await rows.First.GetByRole(AriaRole.Link, new() { Name = "SPE-1" }).ClickAsync();
        var history = page.Locator("table.history tbody tr");
        await Expect(history.Filter(new() { HasText = "accepted" })).ToHaveCountAsync(1);
        foreach (var action in new[] { "proposed", "accepted", "claimed", "done" })
            await Expect(page.Locator($"table.history tr[data-action='{action}']")).ToHaveCountAsync(1);
        await Expect(page.Locator(".evidence")).ToContainTextAsync("800 ms");
        await Expect(page.Locator("ul.links a").First).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("^/playground#m-"));
        await ShotAsync(page, "dashboard-item");

        // Charts: each drawn by Chart.js with what the database holds.
        await page.GotoAsync("/charts");
        foreach (var id in new[] { "flow", "open", "capacity", "lead", "funnel", "recognition" })
            await Expect(page.Locator($"#canvas-{id}")).ToBeVisibleAsync();
        await page.WaitForFunctionAsync("() => ['flow','open','capacity','lead','funnel','recognition'].every(id => Chart.getChart('canvas-' + id))");
        async Task<JsonElement> Data(string id) =>
            JsonDocument.Parse(await page.EvaluateAsync<string>($"() => JSON.stringify(Chart.getChart('canvas-{id}').data)")).RootElement;
        long Db(string sql) => Query<long>(sql).Single();
        const string Ours = "(SELECT id FROM workspaces WHERE external_id = 'T0PLAYGROUND')";

        var funnel = (await Data("funnel")).GetProperty("datasets")[0].GetProperty("data").EnumerateArray().Select(x => x.GetInt64()).ToList();
        Assert.Equal([Db($"SELECT COUNT(*) FROM items WHERE workspace_id = {Ours}"),
                      Db($"SELECT COUNT(*) FROM items WHERE workspace_id = {Ours} AND status IN ('accepted','in_progress','done')"),
                      Db($"SELECT COUNT(*) FROM items WHERE workspace_id = {Ours} AND status IN ('in_progress','done')"),
                      Db($"SELECT COUNT(*) FROM items WHERE workspace_id = {Ours} AND status = 'done'")], funnel);
        Assert.Equal([3L, 2L, 2L, 1L], funnel);

        var flow = (await Data("flow")).GetProperty("datasets");
        long Sum(JsonElement set) => set.GetProperty("data").EnumerateArray().Sum(x => x.GetInt64());
        Assert.Equal(Db($"SELECT COUNT(*) FROM items WHERE workspace_id = {Ours}"), Sum(flow[0]));
        Assert.Equal(1L, Sum(flow[1]));
        Assert.Equal(Db($"SELECT COUNT(*) FROM items WHERE workspace_id = {Ours} AND status = 'done'"), Sum(flow[2]));

        var open = await Data("open");
        var openCounts = open.GetProperty("datasets")[0].GetProperty("data").EnumerateArray().Select(x => x.GetInt64()).ToList();
        Assert.Equal(Db($"SELECT COUNT(*) FROM items WHERE workspace_id = {Ours} AND status IN ('proposed','accepted','in_progress')"), openCounts.Sum());
        Assert.Equal(2, openCounts.Count);

        var lead = await Data("lead");
        Assert.Equal(["Security"], lead.GetProperty("labels").EnumerateArray().Select(x => x.GetString()).ToList());

        var recognition = await Data("recognition");
        Assert.Equal(["U0BEN"], recognition.GetProperty("labels").EnumerateArray().Select(x => x.GetString()).ToList());
        Assert.Equal(1, recognition.GetProperty("datasets")[0].GetProperty("data")[0].GetInt32());

        var capacity = await Data("capacity");
        var pledged = capacity.GetProperty("datasets").EnumerateArray().First(d => d.GetProperty("label").GetString()!.StartsWith("sre", StringComparison.Ordinal));
        Assert.Equal(10, pledged.GetProperty("data").EnumerateArray().Last().GetDouble());
        await ShotAsync(page, "dashboard-charts");

        // Every chart reads as a table too.
        var funnelSection = page.Locator("#chart-funnel");
        await funnelSection.GetByRole(AriaRole.Button, new() { Name = "Show as table" }).ClickAsync();
        await Expect(funnelSection.Locator("table.data")).ToBeVisibleAsync();
        await Expect(funnelSection.Locator("table.data tbody tr")).ToHaveCountAsync(4);
        await Expect(page.Locator("main")).Not.ToContainTextAsync("Theirs");
    }

    [Fact]
    public async Task The_dashboard_speaks_japanese_to_a_person_who_chose_it()
    {
        await PlaygroundCommandAsync("U0CHIE", "/spe lang ja");
        await PlaygroundCommandAsync("U0CHIE", "/spe propose 古い TLS 設定を削除 #security");
        var chat = await NewPageAsync("ja-JP");
        await chat.GotoAsync("/playground?user=U0CHIE");
        await chat.GetByRole(AriaRole.Textbox).Last.FillAsync("/spe dashboard");
        await chat.GetByRole(AriaRole.Textbox).Last.PressAsync("Enter");
        var link = chat.Locator(".msg.ephemeral a[href*='/signin/']");
        await Expect(link).ToBeVisibleAsync();
        var page = await NewPageAsync("ja-JP");
        await page.GotoAsync((await link.GetAttributeAsync("href"))!);
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "ja");
        await Expect(page.Locator("main")).ToContainTextAsync("古い TLS 設定を削除");
        await Expect(page.Locator("header nav")).ToContainTextAsync("グラフ");
        await ShotAsync(page, "dashboard-board-ja");
    }
}

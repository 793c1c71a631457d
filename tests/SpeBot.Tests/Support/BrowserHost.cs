using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Playwright;
using SpeBot.Host.Playground;

namespace SpeBot.Tests.Support;

/// <summary>
/// The real host on Kestrel (a free loopback port) with the playground on, and Debian's Chromium driven by Playwright.
/// Playwright's own browser download is not reachable here; .ci/run installs the chromium package when it is missing.
/// Screenshots go to TestResults/screenshots beside the test project (ignored by git), as artifacts.
/// </summary>
public abstract class BrowserHost : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";
    protected SpeBotFactory Factory { get; private set; } = null!;
    protected string BaseUrl { get; private set; } = "";
    protected IPlaywright Playwright { get; private set; } = null!;
    protected IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var port = FreePort();
        BaseUrl = $"http://127.0.0.1:{port}";
        Factory = new SpeBotFactory(null, new()
        {
            ["Playground:Enabled"] = "true",
            ["Dashboard:PublicUrl"] = BaseUrl,
            ["Urls"] = BaseUrl,
        });
        Factory.UseKestrel(o => o.Listen(IPAddress.Loopback, port));
        Factory.StartServer();
        // A loaded 2-core machine: waits are expect-style with a generous ceiling, never fixed sleeps.
        Assertions.SetDefaultExpectTimeout(30_000);
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        Playwright.Dispose();
        await Factory.DisposeAsync();
    }

    protected async Task<IPage> NewPageAsync(string? locale = "en-US")
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseUrl, Locale = locale, ViewportSize = new() { Width = 1280, Height = 900 } });
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    protected static async Task ShotAsync(IPage page, string name)
    {
        var folder = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "TestResults", "screenshots"));
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png"), FullPage = true });
    }

    protected IReadOnlyList<T> Query<T>(string sql, object? args = null) => Factory.Query<T>(sql, args);

    /// <summary>A slash command from another Slack team, signed with the playground's secret into the same endpoint.</summary>
    protected async Task OtherWorkspaceCommandAsync(string text, string team = "T0OTHERTEAM", string user = "U0OTHER")
    {
        var secret = Factory.Get<PlaygroundSecret>().Value;
        using var http = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        var request = SignedSlackRequest.Form(new Dictionary<string, string>
        {
            ["team_id"] = team, ["channel_id"] = "C0OTHER", ["user_id"] = user, ["command"] = "/spe", ["text"] = text,
            ["response_url"] = "http://127.0.0.1/none", ["trigger_id"] = "",
        }, secret: secret);
        (await http.SendAsync(request)).EnsureSuccessStatusCode();
    }

    /// <summary>What a person types into the playground, through its API (the page's own path), for seeding data.</summary>
    protected async Task PlaygroundCommandAsync(string user, string text)
    {
        using var http = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        var body = System.Text.Json.JsonSerializer.Serialize(new { user, text });
        var r = await http.PostAsync("/playground/api/command", new StringContent(body, Encoding.UTF8, "application/json"));
        r.EnsureSuccessStatusCode();
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}

using System.Text.Json;
using SpeBot.Core.Text;
using SpeBot.Host.Dashboard;

namespace SpeBot.Host.Playground;

/// <summary>The playground's page: a shell whose script renders the state; its text comes from the catalog.</summary>
public sealed class PlaygroundPage(HtmlText text, MessageCatalog catalog, StaticAssets assets)
{
    private static readonly string[] Keys =
        ["playground.user", "playground.maintainer", "playground.channel", "playground.home", "playground.dms", "playground.compose", "playground.send",
         "playground.only_you", "playground.react", "playground.submit", "playground.cancel", "playground.empty", "playground.failed"];

    public IResult Render(HttpContext http)
    {
        var locale = DashboardAuth.LocaleOf(http, MessageCatalog.Fallback);
        var strings = Keys.ToDictionary(k => k, k => catalog.Template(locale, k));
        var config = new
        {
            strings,
            channel = PlaygroundSlack.Channel, channelName = PlaygroundSlack.ChannelName, bot = PlaygroundSlack.BotUserId,
            people = PlaygroundSlack.People.Select(p => new { id = p.Id, name = p.Name, maintainer = p.Maintainer, dm = PlaygroundSlack.DmOf(p.Id) }),
        };
        var html = $"""
            <!doctype html><html lang="{locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{text.T(locale, "playground.title")}</title><link rel="stylesheet" href="{assets.Url("/playground/playground.css")}"></head>
            <body><header><h1>{text.T(locale, "playground.title")}</h1><p class="banner" role="note">{text.T(locale, "playground.banner")}</p></header>
            <div id="app"></div>
            <script type="application/json" id="config">{JsonSerializer.Serialize(config)}</script>
            <script src="{assets.Url("/playground/blockkit.js")}" defer></script><script src="{assets.Url("/playground/playground.js")}" defer></script>
            </body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8");
    }
}

using System.Text;
using SpeBot.Core.Storage;
using System.Text.Json;
using SpeBot.Core;
using SpeBot.Core.Exports;
using SpeBot.Core.Items;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Core;

public sealed class ExportTests
{
    private const string Hostile = "=HYPERLINK(\"http://evil\",\"x\"), \"quoted\"\nline2 <!channel>";

    [Theory]
    [Providers]
    public async Task CsvEscapesHostileTextAndKeepsJapanese(StorageProvider provider)
    {
        using var t = new TestDatabase(provider);
        var ws = await t.Workspaces.EnsureAsync(Platform.Slack, "T1");
        await t.Proposals.SubmitAsync(Platform.Slack, new NewItem(ws.Id, Hostile, "slack", "U1", Detail: "-1+1"), "C1", default);
        await t.Proposals.SubmitAsync(Platform.Slack, new NewItem(ws.Id, "監視の改善", "slack", "U2", Team: "SRE"), "C1", default);

        var file = await new Exporter(t.Db).BuildAsync(ws.Id, "csv", t.Clock.GetUtcNow());
        Assert.EndsWith(".csv", file.Name);
        Assert.Equal(Encoding.UTF8.GetPreamble(), file.Content[..3]);
        var text = Encoding.UTF8.GetString(file.Content[3..]);
        var lines = text.Split("\r\n");
        Assert.StartsWith("id,title,detail,category,status", lines[0]);
        Assert.StartsWith("SPE-1,\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\"), \"\"quoted\"\"\nline2 <!channel>\",'-1+1,", text[(lines[0].Length + 2)..]);
        Assert.Contains("SPE-2,監視の改善,,other,proposed,U2,SRE", text);
    }

    [Theory]
    [Providers]
    public async Task JsonCarriesVotesAndEvents(StorageProvider provider)
    {
        using var t = new TestDatabase(provider);
        var ws = await t.Workspaces.EnsureAsync(Platform.Slack, "T1");
        var (item, _) = await t.Proposals.SubmitAsync(Platform.Slack, new NewItem(ws.Id, "証明書 <b>", "slack", "U1"), "C1", default);
        await t.Votes.ToggleAsync(Platform.Slack, item.Id, "U9", "C1", default);

        var file = await new Exporter(t.Db).BuildAsync(ws.Id, "json", t.Clock.GetUtcNow());
        using var doc = JsonDocument.Parse(file.Content);
        var first = doc.RootElement[0];
        Assert.Equal("SPE-1", first.GetProperty("id").GetString());
        Assert.Equal("証明書 <b>", first.GetProperty("title").GetString());
        Assert.Equal(1, first.GetProperty("votes").GetInt32());
        Assert.Equal("U9", first.GetProperty("voters")[0].GetString());
        Assert.Equal(["proposed", "voted"], first.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("action").GetString()!));
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("", "")]
    public void CsvFieldQuotesAndDefusesFormulas(string value, string expected) => Assert.Equal(expected, Exporter.CsvField(value));
}

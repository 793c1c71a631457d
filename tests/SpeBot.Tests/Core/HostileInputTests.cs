using System.Text;
using SpeBot.Core.Storage;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using SpeBot.Core;
using SpeBot.Core.Commands;
using SpeBot.Core.Items;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Core;

/// <summary>Hostile text through storage and the router: stored as data, answered with help, never an exception.</summary>
public sealed class HostileInputTests : IDisposable
{
    private TestDatabase _db = null!;
    private CommandRouter _router = null!;

    private void Use(StorageProvider provider)
    {
        _db = new TestDatabase(provider);
        _router = new CommandRouter([new Propose(_db.Proposals), new Lang(_db.Workspaces), new Done(Lifecycle(), _db.Items)], _db.Workspaces,
            NullLogger<CommandRouter>.Instance);
    }

    private Lifecycle Lifecycle() =>
        new(_db.Db, _db.Items, _db.Cards, _db.Workspaces, new SpeBot.Core.Outbox.Notices(_db.Outbox), _db.Signal, _db.Clock, _db.Options);

    [Theory]
    [Providers]
    public async Task ANulInEvidenceFromACommandOrAFormIsStoredAsAReplacementCharacter(StorageProvider provider)
    {
        // PostgreSQL text cannot hold U+0000: before, the write failed and the person got an error instead of the item done.
        Use(provider);
        await _router.DispatchAsync(Command("propose Rotate keys"), CancellationToken.None);
        await _router.DispatchAsync(Command("propose Renew certificates"), CancellationToken.None);
        var ws = await _db.Workspaces.EnsureAsync(Platform.Slack, "T1");

        var byCommand = await _router.DispatchAsync(Command("done SPE-1 proof\0here"), CancellationToken.None);
        var byForm = await Lifecycle().DoneAsync(new Actor(Platform.Slack, ws.Id, "U1", "C1"), 2, "form\0proof", CancellationToken.None);

        Assert.Equal("done.done", byCommand.Lines[0].Key);
        Assert.Equal("done.done", byForm.Key);
        Assert.Equal("proof\uFFFDhere", (await _db.Items.GetByNumberAsync(ws.Id, 1))!.Evidence);
        Assert.Equal("form\uFFFDproof", (await _db.Items.GetByNumberAsync(ws.Id, 2))!.Evidence);
        Assert.Equal("proof\uFFFDhere", (await _db.Items.EventsAsync((await _db.Items.GetByNumberAsync(ws.Id, 1))!.Id)).Last().Detail);
    }

    public void Dispose() => _db?.Dispose();

    private static readonly string[] Titles =
    [
        "'; DROP TABLE items; --",
        "Robert'); DROP TABLE workspaces;--",
        "\" OR 1=1 --",
        "@Title @title :title $1 ?1 ?",
        "100% _done_ \\ \\\\ `code`",
        "<!channel> <@U123> <!subteam^S1> &amp; <script>alert(1)</script>",
        "🔥 👨\u200D👩\u200D👧\u200D👦 🏳️\u200D🌈 e\u0301",
        "「フィルター交換」 — 日本語のタイトル　全角スペース",
        "right-to-left \u202Eevil\u202C and zero\u200Bwidth",
        "nul \0 inside",
        "line\nbreak\r\nand\ttab",
    ];

    public static TheoryData<StorageProvider, string> HostileTitles() => Providers.Cross(Titles);

    [Theory]
    [MemberData(nameof(HostileTitles))]
    public async Task HostileTitleIsStoredAndReadBackByteIdentical(StorageProvider provider, string title)
    {
        Use(provider);
        // PostgreSQL text cannot hold U+0000: there the store keeps U+FFFD in its place (and says so on the item it returns).
        var kept = provider == StorageProvider.Postgres ? title.Replace('\0', '\uFFFD') : title;
        var ws = await _db.Workspaces.EnsureAsync(Platform.Slack, "T1");

        var (created, isNew) = await _db.Proposals.SubmitAsync(Platform.Slack,
            new NewItem(ws.Id, title, "slack", "U1", Team: title, Detail: title, ChannelId: "C1"), "C1", CancellationToken.None);
        var stored = await _db.Items.GetAsync(created.Id);

        Assert.True(isNew);
        Assert.NotNull(stored);
        Assert.Equal(Encoding.UTF8.GetBytes(kept), Encoding.UTF8.GetBytes(stored.Title));
        Assert.Equal(kept, stored.Detail);
        Assert.Equal(kept, stored.Team);
        Assert.Equal(kept, created.Title);
        await AssertSchemaIntactAsync(expectedItems: 1);
    }

    [Theory]
    [Providers]
    public async Task ManyHostileTitlesInOneWorkspaceGetConsecutiveNumbers(StorageProvider provider)
    {
        Use(provider);
        var ws = await _db.Workspaces.EnsureAsync(Platform.Slack, "T1");
        var titles = Titles;

        var numbers = new List<long>();
        foreach (var t in titles)
            numbers.Add((await _db.Proposals.SubmitAsync(Platform.Slack, new NewItem(ws.Id, t, "slack", "U1"), "C1", CancellationToken.None)).Item.Number);

        Assert.Equal(Enumerable.Range(1, titles.Length).Select(i => (long)i), numbers);
        foreach (var (t, n) in titles.Zip(numbers))
            Assert.Equal(provider == StorageProvider.Postgres ? t.Replace('\0', '\uFFFD') : t, (await _db.Items.GetByNumberAsync(ws.Id, n))!.Title);
        await AssertSchemaIntactAsync(expectedItems: titles.Length);
    }

    [Theory]
    [InlineData("frobnicate", "frobnicate")]
    [InlineData("'; DROP TABLE items; --", "';")]
    [InlineData("<!channel> hello", "<!channel>")]
    [InlineData("<@U123>", "<@u123>")]
    [InlineData("🔥👨\u200D👩\u200D👧", "🔥👨\u200D👩\u200D👧")]
    [InlineData("\"quoted verb\"", "quoted verb")]
    public async Task UnknownVerbIsAnsweredWithHelpNamingTheVerb(string text, string verb)
    {
        Use(StorageProvider.Sqlite);
        var reply = await _router.DispatchAsync(Command(text), CancellationToken.None);

        Assert.Equal("help.unknown", reply.Lines[0].Key);
        Assert.Equal(verb, reply.Lines[0].Args!["verb"]);
        Assert.Equal("help.title", reply.Lines[1].Key);
        Assert.Contains(reply.Lines, l => l.Key == "help.propose");
        await AssertSchemaIntactAsync(expectedItems: 0);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("\u3000\t\n")]
    [InlineData("help")]
    [InlineData("ヘルプ")]
    public async Task BlankTextAndHelpAnswerHelpWithoutTheUnknownLine(string? text)
    {
        Use(StorageProvider.Sqlite);
        var reply = await _router.DispatchAsync(Command(text!), CancellationToken.None);

        Assert.Equal("help.title", reply.Lines[0].Key);
        Assert.DoesNotContain(reply.Lines, l => l.Key == "help.unknown");
    }

    [Theory]
    [Providers]
    public async Task TenThousandCharactersAreAnsweredWithTheTooLongErrorAndNothingIsStored(StorageProvider provider)
    {
        Use(provider);
        var reply = await _router.DispatchAsync(Command("propose " + new string('x', 9_992)), CancellationToken.None);

        Assert.Equal("error.too_long", reply.Lines[0].Key);
        Assert.Equal(10_000, reply.Lines[0].Args!["length"]);
        Assert.Equal("help.more", reply.Lines[1].Key);
        await AssertSchemaIntactAsync(expectedItems: 0);
    }

    [Theory]
    [Providers]
    public async Task ProposeWithSqlInTheTitleStoresItVerbatim(StorageProvider provider)
    {
        Use(provider);
        var reply = await _router.DispatchAsync(Command("提案 「'; DROP TABLE items; --」 #security"), CancellationToken.None);

        Assert.Equal("propose.created", reply.Lines[0].Key);
        Assert.Equal("'; DROP TABLE items; --", reply.Lines[0].Args!["title"]);
        var ws = await _db.Workspaces.EnsureAsync(Platform.Slack, "T1");
        var item = await _db.Items.GetByNumberAsync(ws.Id, 1);
        Assert.Equal("'; DROP TABLE items; --", item!.Title);
        Assert.Equal("security", item.Category);
    }

    [Theory]
    [InlineData("propose fix it effort:9", "error.scale")]
    [InlineData("propose 🔥 impact:0", "error.scale")]
    public async Task BadHintIsAnsweredWithTheErrorAndProposeHelp(string text, string key)
    {
        Use(StorageProvider.Sqlite);
        var reply = await _router.DispatchAsync(Command(text), CancellationToken.None);

        Assert.Equal(new[] { key, "help.propose" }, reply.Lines.Select(l => l.Key));
        await AssertSchemaIntactAsync(expectedItems: 0);
    }

    private static ChatCommand Command(string text) => new(Platform.Slack, "T1", "C1", "U1", text);

    private async Task AssertSchemaIntactAsync(int expectedItems)
    {
        var tables = await _db.TablesAsync();
        await using var c = await _db.Db.OpenAsync();
        Assert.Contains("items", tables);
        Assert.Contains("workspaces", tables);
        Assert.Equal(expectedItems, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM items"));
        Assert.Equal(expectedItems, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE kind = 'item_card'"));
    }
}

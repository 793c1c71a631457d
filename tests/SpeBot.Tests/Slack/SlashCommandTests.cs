using System.Net;
using System.Text.Json.Nodes;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Slack;

public sealed class SlashCommandTests : IAsyncLifetime
{
    private FakeSlackApi _slack = null!;
    private SpeBotFactory _factory = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _slack = await FakeSlackApi.StartAsync();
        _factory = new SpeBotFactory(_slack);
        _client = _factory.CreateClient();
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _slack.DisposeAsync();
    }

    [Fact]
    public async Task HelpAnswersEphemerallyInEnglish()
    {
        var response = await _client.SendAsync(SignedSlackRequest.Command("help"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("ephemeral", json["response_type"]!.GetValue<string>());
        Assert.Contains("/spe propose", json["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task HelpAnswersInJapaneseAfterLangJa()
    {
        await _client.SendAsync(SignedSlackRequest.Command("lang ja"));
        var response = await _client.SendAsync(SignedSlackRequest.Command("help"));
        var text = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["text"]!.GetValue<string>();
        Assert.Contains("提案", text);
    }

    [Fact]
    public async Task ProposeStoresItemAndPostsCardThroughOutbox()
    {
        var response = await _client.SendAsync(SignedSlackRequest.Command("propose Replace filters in B2 #performance impact:4"));
        var text = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["text"]!.GetValue<string>();
        Assert.Contains("SPE-1", text);
        await SpeBotFactory.WaitUntilAsync(() => _slack.CallsTo("chat.postMessage").Count == 1, what: "card post");
        var post = _slack.CallsTo("chat.postMessage")[0];
        Assert.Equal("C100", post.Body["channel"]!.GetValue<string>());
        Assert.Contains("Replace filters in B2", post.Text);
        Assert.Equal("Bearer xoxb-test-token", post.Authorization);
    }
}

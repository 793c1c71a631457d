using System.Net;
using System.Text.Json.Nodes;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Slack;

public sealed class SlashCommandTests : SlackHost
{
    [Fact]
    public async Task HelpAnswersEphemerallyInEnglish()
    {
        var response = await Client.SendAsync(SignedSlackRequest.Command("help"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("ephemeral", json["response_type"]!.GetValue<string>());
        Assert.Contains("/spe propose", json["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task HelpAnswersInJapaneseAfterLangJa()
    {
        await Client.SendAsync(SignedSlackRequest.Command("lang ja"));
        var response = await Client.SendAsync(SignedSlackRequest.Command("help"));
        var text = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["text"]!.GetValue<string>();
        Assert.Contains("提案", text);
    }

    [Fact]
    public async Task ProposeStoresItemAndPostsCardThroughOutbox()
    {
        var response = await Client.SendAsync(SignedSlackRequest.Command("propose Replace filters in B2 #performance impact:4"));
        var text = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["text"]!.GetValue<string>();
        Assert.Contains("SPE-1", text);
        await SpeBotFactory.WaitUntilAsync(() => Slack.CallsTo("chat.postMessage").Count == 1, what: "card post");
        var post = Slack.CallsTo("chat.postMessage")[0];
        Assert.Equal("C100", post.Body["channel"]!.GetValue<string>());
        Assert.Contains("Replace filters in B2", post.Text);
        Assert.Equal("Bearer xoxb-test-token", post.Authorization);
    }
}

using System.Net;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Playground;

/// <summary>When the playground is on: Development by default, Production only when asked, never beside a real Slack.</summary>
public sealed class PlaygroundSetupTests
{
    [Fact]
    public async Task In_production_the_playground_is_off_unless_enabled()
    {
        await using var factory = new SpeBotFactory(null, new() { ["environment"] = "Production", ["Playground:Enabled"] = null });
        var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/playground")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/slack/events", null)).StatusCode);
    }

    [Fact]
    public async Task In_development_the_playground_is_on_by_default_and_says_it_is_a_local_workspace()
    {
        await using var factory = new SpeBotFactory(null, new() { ["environment"] = "Development", ["Playground:Enabled"] = null });
        var page = await factory.CreateClient().GetStringAsync("/playground");
        Assert.Contains("Local playground", page);
        Assert.Contains("apart from any real Slack or Teams workspace", page);
    }

    [Fact]
    public async Task Enabled_in_production_it_serves_and_an_unsigned_or_foreign_signed_request_is_still_refused()
    {
        await using var factory = new SpeBotFactory(null, new() { ["environment"] = "Production", ["Playground:Enabled"] = "true" });
        var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/playground")).StatusCode);
        // The playground's secret is random per start: a request signed with any other secret is not Slack's.
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(SignedSlackRequest.Command("propose forged"))).StatusCode);
    }

    [Fact]
    public void Enabled_beside_a_real_slack_section_stops_start_up_with_a_message_naming_the_key()
    {
        var slack = new FakeSlackApiStub();
        using var factory = new SpeBotFactory(null, new()
        {
            ["Playground:Enabled"] = "true", ["Slack:SigningSecret"] = "s", ["Slack:BotToken"] = "xoxb-1", ["Slack:ApiBaseUrl"] = slack.Url,
        });
        var e = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        Assert.Contains("Playground:Enabled", e.ToString());
    }

    [Fact]
    public async Task Playground_posts_take_json_only_so_another_site_cannot_submit_a_form_to_them()
    {
        await using var factory = new SpeBotFactory(null, new() { ["Playground:Enabled"] = "true" });
        var client = factory.CreateClient();
        var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["user"] = "U0AIKO", ["text"] = "/spe propose x" });
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await client.PostAsync("/playground/api/command", form)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/playground/api/state?user=UNOBODY")).StatusCode);
    }

    private sealed class FakeSlackApiStub
    {
        public string Url => "http://127.0.0.1:9/api/";
    }
}

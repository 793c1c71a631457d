using System.Text.RegularExpressions;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Teams;

/// <summary>"dashboard" in Teams: the one-time link goes only to a 1:1 chat, where one person reads it.</summary>
public sealed class DashboardLinkTests : TeamsHost
{
    [Fact]
    public async Task In_a_personal_chat_dashboard_answers_with_a_sign_in_link_that_works()
    {
        await SendAsync(ActivityBuilder.PersonalMessage(Bot.ServiceUrl, "dashboard", id: "1700000000301"));
        await SpeBotFactory.WaitUntilAsync(() => Bot.Calls.Any(c => c.Path.EndsWith("/activities/1700000000301", StringComparison.Ordinal)), what: "reply");
        var text = Bot.Calls.Single(c => c.Path.EndsWith("/activities/1700000000301", StringComparison.Ordinal)).Body["text"]!.GetValue<string>();
        var token = Regex.Match(text, "/signin/([A-Za-z0-9_-]{43})").Groups[1].Value;
        Assert.NotEmpty(token);
        var browser = Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        Assert.Equal(System.Net.HttpStatusCode.Redirect, (await browser.GetAsync($"/signin/{token}")).StatusCode);
    }

    [Fact]
    public async Task In_a_channel_dashboard_sends_no_link_and_says_to_ask_in_a_personal_chat()
    {
        await SendAsync(ActivityBuilder.ChannelMention(Bot.ServiceUrl, "dashboard", id: "1700000000302"));
        await SpeBotFactory.WaitUntilAsync(() => Bot.Calls.Any(c => c.Path.EndsWith("/activities/1700000000302", StringComparison.Ordinal)), what: "reply");
        var text = Bot.Calls.Single(c => c.Path.EndsWith("/activities/1700000000302", StringComparison.Ordinal)).Body["text"]!.GetValue<string>();
        Assert.DoesNotContain("/signin/", text);
        Assert.Contains("1:1 chat", text);
        Assert.Equal(0L, Query<long>("SELECT COUNT(*) FROM dashboard_links").Single());
    }
}

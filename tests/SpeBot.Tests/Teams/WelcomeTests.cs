using System.Net;
using System.Text.Json.Nodes;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Teams;

/// <summary>Issue 19 point 10: installing SpeBot greets once per conversation, in the reader's language, through the outbox.</summary>
public sealed class WelcomeTests : TeamsHost
{
    private static JsonObject Install(string serviceUrl, string id, string conversation = ActivityBuilder.Personal, string type = "personal",
        string action = "add", string locale = "en-US")
    {
        var a = ActivityBuilder.Base("installationUpdate", serviceUrl, conversation, id, conversationType: type);
        a["action"] = action;
        a["locale"] = locale;
        return a;
    }

    private static JsonObject MembersAdded(string serviceUrl, string id, string memberId, string conversation = ActivityBuilder.Channel, string type = "channel")
    {
        var a = ActivityBuilder.Base("conversationUpdate", serviceUrl, conversation, id, conversationType: type);
        a["membersAdded"] = new JsonArray(new JsonObject { ["id"] = memberId });
        a["channelData"]!["eventType"] = "teamMemberAdded";
        a["channelData"]!["team"] = new JsonObject { ["id"] = ActivityBuilder.Channel };
        return a;
    }

    private long Welcomes(string conversation) =>
        Query<long>("SELECT COUNT(*) FROM outbox WHERE kind = 'notice' AND channel_id = @conversation AND body LIKE '%teams.welcome%'", new { conversation }).Single();

    [Fact]
    public async Task PersonalInstallGreetsOnceInTheUsersLanguageAndRetriesOrAReinstallDoNotGreetAgain()
    {
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(Install(Bot.ServiceUrl, "inst-1", locale: "ja-JP"))).StatusCode);
        await SpeBotFactory.WaitUntilAsync(() => Bot.CallsTo("POST", $"/v3/conversations/{ActivityBuilder.Personal}/activities").Count > 0, what: "welcome");

        var greeting = Assert.Single(Bot.CallsTo("POST", $"/v3/conversations/{ActivityBuilder.Personal}/activities"));
        var text = greeting.Body["text"]!.GetValue<string>();
        Assert.Contains("SpeBot です", text, StringComparison.Ordinal);
        Assert.Contains("`propose <タイトル>`", text, StringComparison.Ordinal);
        Assert.Contains("`top`", text, StringComparison.Ordinal);
        Assert.Contains("`claim SPE-n`", text, StringComparison.Ordinal);
        Assert.Equal("Bearer outbound-test-token", greeting.Authorization);

        // The same install as a conversationUpdate, a retried delivery and a later reinstall: no second greeting.
        await SendAsync(MembersAdded(Bot.ServiceUrl, "conv-1", ActivityBuilder.BotId, ActivityBuilder.Personal, "personal"));
        await SendAsync(Install(Bot.ServiceUrl, "inst-1", locale: "ja-JP"));
        await SendAsync(Install(Bot.ServiceUrl, "inst-2"));
        Assert.Equal(1, Welcomes(ActivityBuilder.Personal));
        Assert.Equal(1, Query<long>("SELECT COUNT(*) FROM welcomes WHERE conversation_id = @c", new { c = ActivityBuilder.Personal }).Single());

        // Anything queued after would follow a second greeting in this chat; the help answer arrives with only one greeting before it.
        await SendAsync(ActivityBuilder.PersonalMessage(Bot.ServiceUrl, "help", "1700000000401"));
        await SpeBotFactory.WaitUntilAsync(() => Bot.Calls.Any(c => c.Path.EndsWith("/activities/1700000000401", StringComparison.Ordinal)), what: "help reply");
        Assert.Single(Bot.CallsTo("POST", $"/v3/conversations/{ActivityBuilder.Personal}/activities"), c => c.Text.Contains("SpeBot", StringComparison.Ordinal) && c.Path.EndsWith("/activities", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TeamInstallGreetsTheChannelInTheWorkspaceLanguageButAnotherMemberJoiningDoesNot()
    {
        await SendAsync(MembersAdded(Bot.ServiceUrl, "conv-2", "29:1someone-else-abc"));
        Assert.Equal(0, Welcomes(ActivityBuilder.Channel));

        await SendAsync(MembersAdded(Bot.ServiceUrl, "conv-3", ActivityBuilder.BotId));
        await SpeBotFactory.WaitUntilAsync(() => Bot.CallsTo("POST", $"/v3/conversations/{ActivityBuilder.Channel}/activities").Count > 0, what: "team welcome");

        var greeting = Assert.Single(Bot.CallsTo("POST", $"/v3/conversations/{ActivityBuilder.Channel}/activities"));
        var text = greeting.Body["text"]!.GetValue<string>();
        Assert.StartsWith("Hi, I'm SpeBot.", text, StringComparison.Ordinal);
        Assert.Contains("- `propose <title>`", text, StringComparison.Ordinal);
        Assert.Contains("`@SpeBot top`", text, StringComparison.Ordinal);
        await SendAsync(Install(Bot.ServiceUrl, "inst-3", ActivityBuilder.Channel, "channel"));
        Assert.Equal(1, Welcomes(ActivityBuilder.Channel));
    }

    [Fact]
    public async Task AnUpgradeIsNotAnInstall()
    {
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(Install(Bot.ServiceUrl, "inst-4", action: "add-upgrade"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(Install(Bot.ServiceUrl, "inst-5", action: "remove"))).StatusCode);

        Assert.Equal(0, Welcomes(ActivityBuilder.Personal));
        Assert.Equal(0, Query<long>("SELECT COUNT(*) FROM welcomes").Single());
    }
}

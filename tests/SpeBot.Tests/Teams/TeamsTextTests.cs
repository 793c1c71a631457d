using System.Text.Json;
using SpeBot.Core;
using SpeBot.Host.Teams;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Teams;

/// <summary>Mention stripping and neutral mentions on the way in; escaping and validated mentions on the way out.</summary>
public sealed class TeamsTextTests
{
    private static Activity Parse(System.Text.Json.Nodes.JsonNode node) => JsonSerializer.Deserialize<Activity>(node.ToJsonString(), new JsonSerializerOptions(JsonSerializerDefaults.Web))!;

    [Fact]
    public void BotMentionIsRemovedAndPeopleBecomeNeutralMentions()
    {
        var a = ActivityBuilder.ChannelMention("https://smba.trafficmanager.net/amer/", "assign SPE-3 <at>Ken Ito</at>&nbsp;please");
        a["entities"]!.AsArray().Add(new System.Text.Json.Nodes.JsonObject
        {
            ["type"] = "mention", ["text"] = "<at>Ken Ito</at>",
            ["mentioned"] = new System.Text.Json.Nodes.JsonObject { ["id"] = "29:1ken-abcdefghij", ["name"] = "Ken Ito" },
        });
        var command = TeamsMapper.ToCommand(Parse(a))!;
        Assert.Equal("assign SPE-3 <@29:1ken-abcdefghij> please", command.Text);
        Assert.Equal(Platform.Teams, command.Platform);
        Assert.Equal(BotFrameworkIdentity.TenantId, command.WorkspaceExternalId);
        Assert.Equal(ActivityBuilder.Channel, command.ChannelId);
        Assert.Equal(ActivityBuilder.UserAad, command.UserId);
    }

    [Fact]
    public void TypedAngleBracketsNeverBecomeAMention()
    {
        var a = ActivityBuilder.PersonalMessage("https://smba.trafficmanager.net/amer/", "spe propose &lt;@evil&gt; &amp; more");
        Assert.Equal("propose < @evil> & more", TeamsMapper.ToCommand(Parse(a))!.Text);
    }

    [Fact]
    public void UserTextIsEscapedAndOnlyValidIdsBecomeMentionEntities()
    {
        var text = new TeamsText(new TeamsPeople());
        Assert.Equal("a &lt;b&gt; &amp;amp;", text.Escape("a <b> &amp;"));
        Assert.Equal("&lt;at&gt;x&lt;/at&gt;", text.Mention(new UserRef("<at>x</at>")));
        Assert.Equal("<at>29:1ken-abcdefghij</at>", text.Mention(new UserRef("29:1ken-abcdefghij")));
        var entity = Assert.Single(text.Entities());
        Assert.Equal("29:1ken-abcdefghij", entity!["mentioned"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public void MessageHtmlBecomesPlainLines() =>
        Assert.Equal("Line one & two\nSecond", TeamsMapper.HtmlToPlain("<div><p>Line one &amp; two</p><p>Second<br></p></div>"));

    [Theory]
    [InlineData("https://smba.trafficmanager.net/amer/", "https://SMBA.trafficmanager.net/amer", true)]
    [InlineData("https://smba.trafficmanager.net/amer/", "https://smba.trafficmanager.net/emea/", false)]
    [InlineData("https://smba.trafficmanager.net/amer/", "http://smba.trafficmanager.net/amer/", false)]
    [InlineData("https://smba.trafficmanager.net/amer/", "https://smba.trafficmanager.net:8443/amer/", false)]
    public void ServiceUrlsCompareByNormalisedParts(string claim, string activity, bool same) =>
        Assert.Equal(same, BotFrameworkAuth.SameServiceUrl(claim, activity));

    [Theory]
    [InlineData("*Evidence:* {evidence}", "**Evidence:** {evidence}")]
    [InlineData("Score *{score}* · {votes} votes", "Score **{score}** · {votes} votes")]
    [InlineData("**{ref} {title}: {votes} votes, the top pick**", "**{ref} {title}: {votes} votes, the top pick**")]
    [InlineData("Type `propose <title>` * not bold *", "Type `propose <title>` * not bold *")]
    [InlineData("2*3*4 and snake_case", "2*3*4 and snake_case")]
    [InlineData("There is no {ref}. `/spe list` shows the open items.", "There is no {ref}. `list` shows the open items.")]
    public void CatalogMarkupBecomesTeamsMarkup(string template, string expected) =>
        Assert.Equal(expected, new TeamsText(new TeamsPeople()).Markup(template));

    [Fact]
    public void AsterisksInUserTextAreNotTurnedIntoBold()
    {
        var catalog = new SpeBot.Core.Text.MessageCatalog();
        var text = catalog.Format("en", new SpeBot.Core.Message("show.evidence", new() { ["evidence"] = "*p95* 14 → 8 min" }),
            new TeamsText(new TeamsPeople()));

        Assert.Equal("**Evidence:** *p95* 14 → 8 min", text);
    }
}


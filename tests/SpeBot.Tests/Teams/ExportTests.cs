using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using SpeBot.Host.Teams;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Teams;

/// <summary>
/// Issue 19 point 11: export on Teams is a file consent card in the personal chat; accept uploads to the uploadUrl Teams
/// gives and shows a file info card; decline and a refused upload are told (learn.microsoft.com/microsoftteams/platform/bots/how-to/bots-filesv4).
/// </summary>
public sealed class ExportTests : TeamsHost
{
    private const string ContentUrl = "https://contoso-my.sharepoint.com/personal/aiko/Documents/Applications/spebot-items.csv";

    private JsonObject Consent(string id, string action, JsonObject? context = null, string? uploadUrl = null)
    {
        var a = ActivityBuilder.Base("invoke", Bot.ServiceUrl, ActivityBuilder.Personal, id, conversationType: "personal");
        a["name"] = "fileConsent/invoke";
        a["value"] = new JsonObject
        {
            ["type"] = "fileUpload", ["action"] = action,
            ["context"] = context ?? new JsonObject { ["spe"] = TeamsExport.Purpose, ["format"] = "csv" },
        };
        if (action == "accept")
        {
            a["value"]!["uploadInfo"] = new JsonObject
            {
                ["contentUrl"] = ContentUrl, ["name"] = "spebot-items.csv", ["uploadUrl"] = uploadUrl ?? Bot.UploadUrl("spebot-items.csv"),
                ["fileType"] = "csv", ["uniqueId"] = "1150D938-8870-4044-9F2C-5BBDEBA70C9D",
            };
        }
        return a;
    }

    private List<ConnectorCall> PersonalPosts() => [.. Bot.CallsTo("POST", $"/v3/conversations/{ActivityBuilder.Personal}/activities")];

    private static string? AttachmentType(ConnectorCall c) => c.Body["attachments"]?[0]?["contentType"]?.GetValue<string>();

    /// <summary>Proposes an item and asks for the CSV in the personal chat; returns the consent card.</summary>
    private async Task<JsonObject> AskForCsvAsync()
    {
        await SendAsync(ActivityBuilder.PersonalMessage(Bot.ServiceUrl, "propose Drop unused indexes", "1700000000700"));
        await SpeBotFactory.WaitUntilAsync(() => PersonalPosts().Any(c => c.Text.Contains("SPE-1 Drop unused indexes", StringComparison.Ordinal)), what: "item card");
        await SendAsync(ActivityBuilder.PersonalMessage(Bot.ServiceUrl, "export csv", "1700000000701"));
        await SpeBotFactory.WaitUntilAsync(() => PersonalPosts().Any(c => AttachmentType(c) == TeamsExport.ConsentType), what: "consent card");
        return PersonalPosts().Single(c => AttachmentType(c) == TeamsExport.ConsentType).Body["attachments"]![0]!.AsObject();
    }

    [Fact]
    public async Task ExportInThePersonalChatOffersAConsentCardAndAcceptUploadsTheFileAndShowsIt()
    {
        var consent = await AskForCsvAsync();

        Assert.Matches(@"^spebot-items-\d{8}-\d{4}\.csv$", consent["name"]!.GetValue<string>());
        Assert.True(consent["content"]!["sizeInBytes"]!.GetValue<int>() > 0);
        Assert.Equal(TeamsExport.Purpose, consent["content"]!["acceptContext"]!["spe"]!.GetValue<string>());
        Assert.Equal("csv", consent["content"]!["declineContext"]!["format"]!.GetValue<string>());
        Assert.Contains("SpeBot export (CSV)", consent["content"]!["description"]!.GetValue<string>(), StringComparison.Ordinal);
        await SpeBotFactory.WaitUntilAsync(() => Bot.Calls.Any(c => c.Path.EndsWith("/activities/1700000000701", StringComparison.Ordinal)), what: "export answer");
        Assert.Contains("personal chat", Bot.Calls.Single(c => c.Path.EndsWith("/activities/1700000000701", StringComparison.Ordinal)).Text, StringComparison.Ordinal);

        var response = await SendAsync(Consent("consent-1", "accept"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsStringAsync());
        await SpeBotFactory.WaitUntilAsync(() => PersonalPosts().Any(c => AttachmentType(c) == TeamsExport.InfoType), what: "file info card");

        var upload = Assert.Single(Bot.Uploads);
        Assert.Equal(201, upload.Status);
        Assert.Null(upload.Authorization); // the bot's Connector token never goes to OneDrive
        Assert.Equal($"bytes 0-{upload.Content.Length - 1}/{upload.Content.Length}", upload.ContentRange);
        Assert.Contains("Drop unused indexes", Encoding.UTF8.GetString(upload.Content), StringComparison.Ordinal);
        var info = PersonalPosts().Single(c => AttachmentType(c) == TeamsExport.InfoType).Body["attachments"]![0]!;
        Assert.Equal(ContentUrl, info["contentUrl"]!.GetValue<string>());
        Assert.Equal("spebot-items.csv", info["name"]!.GetValue<string>());
        Assert.Equal("1150D938-8870-4044-9F2C-5BBDEBA70C9D", info["content"]!["uniqueId"]!.GetValue<string>());
        Assert.Equal("csv", info["content"]!["fileType"]!.GetValue<string>());

        // Teams retries an invoke it got no answer to in time: the same invoke id queues nothing more.
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(Consent("consent-1", "accept"))).StatusCode);
        Assert.Equal(1, Query<long>("SELECT COUNT(*) FROM outbox WHERE kind = 'export_upload'").Single());
    }

    [Fact]
    public async Task DeclineIsAnsweredAndUploadsNothing()
    {
        await AskForCsvAsync();

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(Consent("consent-2", "decline"))).StatusCode);
        await SpeBotFactory.WaitUntilAsync(() => PersonalPosts().Any(c => c.Text.Contains("You declined the CSV export", StringComparison.Ordinal)), what: "decline answer");

        Assert.Empty(Bot.Uploads);
        Assert.Equal(0, Query<long>("SELECT COUNT(*) FROM outbox WHERE kind = 'export_upload'").Single());
        Assert.DoesNotContain(PersonalPosts(), c => AttachmentType(c) == TeamsExport.InfoType);
    }

    [Fact]
    public async Task ARefusedUploadIsToldToThePersonAndDeadLetteredWithoutRetry()
    {
        await AskForCsvAsync();
        Bot.ScriptUpload(403);

        await SendAsync(Consent("consent-3", "accept"));
        await SpeBotFactory.WaitUntilAsync(() => PersonalPosts().Any(c => c.Text.Contains("could not save the CSV export", StringComparison.Ordinal)), what: "failure answer");
        await SpeBotFactory.WaitUntilAsync(() => Query<string>("SELECT status FROM outbox WHERE kind = 'export_upload'").Single() == "dead", what: "dead letter");

        Assert.Equal(403, Assert.Single(Bot.Uploads).Status);
        Assert.Equal("upload refused: HTTP 403", Query<string>("SELECT last_error FROM outbox WHERE kind = 'export_upload'").Single());
        Assert.DoesNotContain(PersonalPosts(), c => AttachmentType(c) == TeamsExport.InfoType);
    }

    [Fact]
    public async Task ExportInAChannelAnswersThereAndOffersTheFileInThePersonalChat()
    {
        await CommandAsync("export json", "1700000000801");

        var answer = Bot.Calls.Single(c => c.Path.EndsWith("/activities/1700000000801", StringComparison.Ordinal));
        Assert.Contains("personal chat", answer.Text, StringComparison.Ordinal);
        await SpeBotFactory.WaitUntilAsync(() => Bot.Calls.Any(c => AttachmentType(c) == TeamsExport.ConsentType), what: "consent card");
        var open = Assert.Single(Bot.CallsTo("POST", "/v3/conversations"), c => c.Path == "/v3/conversations");
        Assert.False(open.Body["isGroup"]!.GetValue<bool>());
        Assert.Equal(ActivityBuilder.UserAad, open.Body["members"]![0]!["id"]!.GetValue<string>());
        var card = Bot.Calls.Single(c => AttachmentType(c) == TeamsExport.ConsentType);
        Assert.StartsWith("/v3/conversations/a:new", card.Path, StringComparison.Ordinal);
        Assert.DoesNotContain(ActivityBuilder.Channel, card.Path, StringComparison.Ordinal);
        Assert.Equal("json", card.Body["attachments"]![0]!["content"]!["acceptContext"]!["format"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("other-bot", "csv", null)]
    [InlineData(TeamsExport.Purpose, "xlsx", null)]
    [InlineData(TeamsExport.Purpose, "csv", "http://files.example.com/upload")]
    public async Task AConsentThatIsNotSpeBotsOrHasNoSafeUploadUrlIsRefused(string purpose, string format, string? uploadUrl)
    {
        var response = await SendAsync(Consent("consent-bad", "accept", new JsonObject { ["spe"] = purpose, ["format"] = format }, uploadUrl));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, Query<long>("SELECT COUNT(*) FROM outbox WHERE kind = 'export_upload'").Single());
    }
}

using System.ComponentModel.DataAnnotations;
using System.Net;
using SpeBot.Host.Teams;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Teams;

/// <summary>Teams options: credentials or explicit anonymous mode, never both; every message names its key.</summary>
public sealed class TeamsConfigTests
{
    private static TeamsOptions Valid() => new()
    {
        AppId = BotFrameworkIdentity.AppId, AppPassword = "secret", TenantId = BotFrameworkIdentity.TenantId,
    };

    private static List<ValidationResult> Validate(TeamsOptions o)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(o, new ValidationContext(o), results, validateAllProperties: true);
        return results;
    }

    [Fact]
    public void CompleteSingleTenantSettingsAreValid() => Assert.Empty(Validate(Valid()));

    [Theory]
    [InlineData("AppId")]
    [InlineData("AppPassword")]
    [InlineData("TenantId")]
    public void MissingCredentialIsRefusedNamingTheKey(string key)
    {
        var o = Valid();
        typeof(TeamsOptions).GetProperty(key)!.SetValue(o, "");
        Assert.Contains(Validate(o), r => r.ErrorMessage!.Contains($"Teams:{key}", StringComparison.Ordinal));
    }

    [Fact]
    public void AnonymousModeTogetherWithCredentialsIsRefused()
    {
        var o = Valid();
        o.AllowUnauthenticated = true;
        Assert.Contains(Validate(o), r => r.ErrorMessage!.Contains("Teams:AllowUnauthenticated", StringComparison.Ordinal));
        Assert.Empty(Validate(new TeamsOptions { AllowUnauthenticated = true }));
    }

    [Fact]
    public void PlainHttpMetadataOrServiceUrlsAreRefusedUnlessLoopback()
    {
        var o = Valid();
        o.OpenIdMetadataUrl = "http://login.example.com/meta";
        o.AllowedServiceUrls = ["http://smba.example.com/"];
        var errors = Validate(o).Select(r => r.ErrorMessage).ToList();
        Assert.Contains(errors, e => e!.Contains("Teams:OpenIdMetadataUrl", StringComparison.Ordinal));
        Assert.Contains(errors, e => e!.Contains("Teams:AllowedServiceUrls", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnonymousModeAcceptsRequestsWithoutATokenOnlyWhenConfigured()
    {
        await using var bot = await BotFrameworkIdentity.StartAsync();
        using var factory = new SpeBotFactory(null, new()
        {
            ["Teams:AllowUnauthenticated"] = "true",
            ["Teams:AllowedServiceUrls:0"] = bot.ServiceUrl,
        });
        var client = factory.CreateClient();
        var ping = ActivityBuilder.Base("conversationUpdate", bot.ServiceUrl);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(ActivityBuilder.Request(ping, null))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(ActivityBuilder.Request(ping, bot.Token()))).StatusCode);
    }

    [Fact]
    public async Task AbsentTeamsSectionTurnsTeamsOff()
    {
        using var factory = new SpeBotFactory(null);
        var client = factory.CreateClient();
        var response = await client.SendAsync(ActivityBuilder.Request(ActivityBuilder.Base("message", "https://smba.trafficmanager.net/amer/"), null));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("\"teams\":false", await client.GetStringAsync("/healthz"));
    }
}

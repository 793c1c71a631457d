using SpeBot.Core.Schedules;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Teams;

/// <summary>A Teams person's zone comes from the clientInfo their client sends; nudges then follow their clock.</summary>
public sealed class TimeZoneTests : TeamsHost
{
    /// <summary>Sends a 1:1 message whose clientInfo reports <paramref name="zone"/>; returns the tenant's workspace id.</summary>
    private async Task<long> MessageFromZoneAsync(string zone, string id)
    {
        var message = ActivityBuilder.PersonalMessage(Bot.ServiceUrl, "help", id);
        message["entities"]![0]!["timezone"] = zone;
        await SendAsync(message);
        return Query<long>("SELECT id FROM workspaces WHERE platform = 'teams'").Single();
    }

    [Fact]
    public async Task TheZoneTheTeamsClientReportsIsThePersonsZoneForNudges()
    {
        var workspaceId = await MessageFromZoneAsync("Asia/Tokyo", "1700000000401");

        var zone = await Factory.Get<NudgeSettings>().ZoneAsync(workspaceId, ActivityBuilder.UserAad);

        Assert.Equal("Asia/Tokyo", zone?.Id);
        Assert.Equal("Asia/Tokyo", Query<string>("SELECT time_zone FROM user_settings WHERE user_id = @u", new { u = ActivityBuilder.UserAad }).Single());
    }

    [Fact]
    public async Task AnUnknownZoneIsIgnoredAndNobodyElseIsAsked()
    {
        var workspaceId = await MessageFromZoneAsync("Mars/Olympus_Mons", "1700000000402");

        Assert.Null(await Factory.Get<NudgeSettings>().ZoneAsync(workspaceId, ActivityBuilder.UserAad));
        Assert.Null(await Factory.Get<IUserTimeZones>().LookupAsync(workspaceId, "U0SLACKUSER", CancellationToken.None));
    }
}

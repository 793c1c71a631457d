using SpeBot.Core.Schedules;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Teams;

/// <summary>A Teams person's zone comes from the clientInfo their client sends; nudges then follow their clock.</summary>
public sealed class TimeZoneTests : TeamsHost
{
    [Fact]
    public async Task TheZoneTheTeamsClientReportsIsThePersonsZoneForNudges()
    {
        var message = ActivityBuilder.PersonalMessage(Bot.ServiceUrl, "help", "1700000000401");
        message["entities"]![0]!["timezone"] = "Asia/Tokyo";
        await SendAsync(message);
        var workspaceId = Query<long>("SELECT id FROM workspaces WHERE platform = 'teams'").Single();

        var zone = await Factory.Get<NudgeSettings>().ZoneAsync(workspaceId, ActivityBuilder.UserAad);

        Assert.Equal("Asia/Tokyo", zone?.Id);
        Assert.Equal("Asia/Tokyo", Query<string>("SELECT time_zone FROM user_settings WHERE user_id = @u", new { u = ActivityBuilder.UserAad }).Single());
    }

    [Fact]
    public async Task AnUnknownZoneIsIgnoredAndNobodyElseIsAsked()
    {
        var message = ActivityBuilder.PersonalMessage(Bot.ServiceUrl, "help", "1700000000402");
        message["entities"]![0]!["timezone"] = "Mars/Olympus_Mons";
        await SendAsync(message);
        var workspaceId = Query<long>("SELECT id FROM workspaces WHERE platform = 'teams'").Single();

        Assert.Null(await Factory.Get<NudgeSettings>().ZoneAsync(workspaceId, ActivityBuilder.UserAad));
        Assert.Null(await Factory.Get<IUserTimeZones>().LookupAsync(workspaceId, "U0SLACKUSER", CancellationToken.None));
    }
}

using Microsoft.Extensions.Options;
using SpeBot.Core.Schedules;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Slack;

/// <summary>A configured list replaces its default instead of extending it (issue 19, point 3).</summary>
public sealed class ConfiguredListTests : SlackHost
{
    protected override Dictionary<string, string?>? Settings => new()
    {
        ["SpeBot:VoteReactions:0"] = "star",
        ["Schedules:WorkDays:0"] = "Saturday",
    };

    [Fact]
    public async Task ConfiguredVoteReactionsReplaceTheDefaultOnes()
    {
        var (itemId, ts) = await ProposeAsync("Rotate the B2 filters");

        await SendAsync(SignedSlackRequest.Reaction("EvL1", "U201", "+1", "C100", ts));
        await SendAsync(SignedSlackRequest.Reaction("EvL2", "U202", "thumbsup", "C100", ts));
        Assert.Equal(0, Query<long>("SELECT COUNT(*) FROM votes WHERE item_id = @itemId", new { itemId }).Single());
        await SendAsync(SignedSlackRequest.Reaction("EvL3", "U203", "star", "C100", ts));
        Assert.Equal(1, Query<long>("SELECT COUNT(*) FROM votes WHERE item_id = @itemId", new { itemId }).Single());
    }

    [Fact]
    public void ConfiguredWorkDaysReplaceMondayToFriday()
    {
        Assert.Equal([DayOfWeek.Saturday], Factory.Get<IOptions<ScheduleOptions>>().Value.WorkDays);
    }
}

using Microsoft.Extensions.DependencyInjection;
using Quartz;
using SpeBot.Host.Jobs;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Slack;

public sealed class ScheduleCommandTests : SlackHost
{
    private const string Maintainer = "UMAINT01";

    protected override Dictionary<string, string?>? Settings => new()
    {
        ["SpeBot:Maintainers:0"] = Maintainer,
        ["Schedules:Entries:0:Workspace"] = "T1",
        ["Schedules:Entries:0:Kind"] = "digest",
        ["Schedules:Entries:0:Channel"] = "C900",
        ["Schedules:Entries:0:When"] = "weekdays 09:30",
        ["Schedules:Entries:0:TimeZone"] = "Asia/Tokyo",
    };

    private async Task<bool> TriggerExistsAsync(long id)
    {
        var scheduler = await Factory.Services.GetRequiredService<ISchedulerFactory>().GetScheduler(default);
        return await scheduler.Exists(ScheduleSync.TriggerOf(id), default);
    }

    [Fact]
    public async Task ConfiguredScheduleIsSeededAndRegisteredAsAQuartzCronTrigger()
    {
        await SpeBotFactory.WaitUntilAsync(() => Query<long>("SELECT COUNT(*) FROM schedules WHERE source = 'config'").Single() == 1, what: "seed");
        var id = Query<long>("SELECT id FROM schedules WHERE source = 'config'").Single();
        var scheduler = await Factory.Services.GetRequiredService<ISchedulerFactory>().GetScheduler(default);
        await SpeBotFactory.WaitUntilAsync(() => scheduler.Exists(ScheduleSync.TriggerOf(id), default).AsTask().Result, what: "trigger");

        var trigger = Assert.IsAssignableFrom<ICronTrigger>(await scheduler.GetTrigger(ScheduleSync.TriggerOf(id), default));
        Assert.Equal("0 30 9 ? * MON-FRI", trigger.CronExpressionString);
        Assert.Equal("Asia/Tokyo", trigger.TimeZone.Id);
        Assert.Equal(ScheduleSync.RunJob, trigger.JobKey);
        Assert.True(await scheduler.Exists(ScheduleSync.RunJob, default));
    }

    [Fact]
    public async Task ScheduleCommandsAddListAndStopSchedulesAndKeepQuartzInStep()
    {
        Assert.Contains("Only this workspace's maintainers", TextOf(await CommandAsync("schedule digest here mon 09:00", user: "U222")));
        Assert.Contains("cannot read", TextOf(await CommandAsync("schedule digest here someday 09:00", user: Maintainer)));

        var added = TextOf(await CommandAsync("schedule retro <#C200|ops> 0 0 17 ? * FRI America/New_York", user: Maintainer));
        Assert.Contains("<#C200>", added);
        Assert.Contains("`0 0 17 ? * FRI` (America/New_York)", added);
        var id = Query<long>("SELECT id FROM schedules WHERE kind = 'retro'").Single();
        Assert.Equal(("C200", "America/New_York", "chat"), Query<(string, string, string)>("SELECT channel_id, time_zone, source FROM schedules WHERE id = @id", new { id }).Single());
        Assert.True(await TriggerExistsAsync(id));

        var list = TextOf(await CommandAsync("schedules", user: "U222"));
        Assert.Contains($"#{id} retro poll in <#C200>", list);
        Assert.Contains("from config", list);

        Assert.Contains("stopped", TextOf(await CommandAsync($"unschedule {id}", user: Maintainer)));
        Assert.False(await TriggerExistsAsync(id));
        Assert.Contains("no schedule", TextOf(await CommandAsync($"unschedule {id}", user: Maintainer)));
    }

    [Fact]
    public async Task PlainFormUsesTheDefaultTimeZoneWhenNoneIsGiven()
    {
        var added = TextOf(await CommandAsync("schedule digest here daily 18:00", user: Maintainer, channel: "C300"));
        Assert.Contains("`0 0 18 * * ?` (UTC)", added);
        Assert.Equal("C300", Query<string>("SELECT channel_id FROM schedules WHERE source = 'chat'").Single());
    }
}

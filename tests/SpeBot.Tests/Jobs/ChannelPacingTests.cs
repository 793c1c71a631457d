using SpeBot.Host.Jobs;
using Xunit;

namespace SpeBot.Tests.Jobs;

public sealed class ChannelPacingTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public void Posts_to_one_channel_are_spaced_by_the_interval_and_other_channels_do_not_wait()
    {
        var pacing = new ChannelPacing();

        Assert.Equal(TimeSpan.Zero, pacing.Reserve(("slack", "C1"), T0, Second));
        Assert.Equal(Second, pacing.Reserve(("slack", "C1"), T0, Second));
        Assert.Equal(2 * Second, pacing.Reserve(("slack", "C1"), T0, Second));
        Assert.Equal(TimeSpan.Zero, pacing.Reserve(("slack", "C2"), T0, Second));
        Assert.Equal(TimeSpan.Zero, pacing.Reserve(("teams", "C1"), T0, Second));
    }

    [Fact]
    public void A_pause_holds_the_channel_until_then()
    {
        var pacing = new ChannelPacing();
        pacing.Pause(("slack", "C1"), T0 + TimeSpan.FromSeconds(30), T0);

        Assert.Equal(TimeSpan.FromSeconds(20), pacing.Reserve(("slack", "C1"), T0 + TimeSpan.FromSeconds(10), Second));
    }

    [Fact]
    public void Channels_whose_interval_has_passed_are_forgotten_so_the_map_does_not_grow_with_every_channel_ever_posted_to()
    {
        var pacing = new ChannelPacing();
        for (var i = 0; i < 5000; i++) pacing.Reserve(("slack", $"D{i}"), T0 + TimeSpan.FromSeconds(i), Second);

        // Each channel was posted to once, a second apart: at most the last ones can still be inside their interval.
        Assert.InRange(pacing.Count, 1, 1024);
        // A channel still inside its interval is kept and still waits.
        Assert.Equal(Second, pacing.Reserve(("slack", "D4999"), T0 + TimeSpan.FromSeconds(4999), Second));
    }

    [Fact]
    public void Busy_channels_are_all_kept_however_many_there_are()
    {
        var pacing = new ChannelPacing();
        for (var i = 0; i < 3000; i++) pacing.Reserve(("slack", $"C{i}"), T0, TimeSpan.FromMinutes(1));

        Assert.Equal(3000, pacing.Count);
        Assert.Equal(TimeSpan.FromMinutes(1), pacing.Reserve(("slack", "C0"), T0, TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public void A_second_limit_takes_its_slot_from_when_the_first_allows()
    {
        var pacing = new ChannelPacing();
        var tenant = TimeSpan.FromMilliseconds(50);
        pacing.Reserve(("slack", "C1"), T0, Second);

        var channelWait = pacing.Reserve(("slack", "C1"), T0, Second);
        var total = pacing.Reserve(("teams-tenant", "1"), T0, tenant, notBefore: T0 + channelWait);
        var next = pacing.Reserve(("teams-tenant", "1"), T0, tenant);

        Assert.Equal(Second, total);
        Assert.Equal(Second + tenant, next);
    }
}


using SpeBot.Core.Items;
using static SpeBot.Core.Items.ItemAction;
using static SpeBot.Core.Items.ItemStatus;

namespace SpeBot.Tests.Core;

public sealed class ItemLifecycleTests
{
    /// <summary>The product's lifecycle, written out by hand; every pair not listed must be refused.</summary>
    private static readonly Dictionary<(ItemStatus, ItemAction), ItemStatus> Allowed = new()
    {
        [(Proposed, Accept)] = Accepted,
        [(Proposed, Start)] = InProgress,
        [(Proposed, Decline)] = Declined,
        [(Proposed, MarkDuplicate)] = Duplicate,
        [(Accepted, Start)] = InProgress,
        [(Accepted, Complete)] = Done,
        [(Accepted, Decline)] = Declined,
        [(Accepted, MarkDuplicate)] = Duplicate,
        [(InProgress, Complete)] = Done,
        [(InProgress, Release)] = Accepted,
        [(InProgress, Decline)] = Declined,
        [(InProgress, MarkDuplicate)] = Duplicate,
        [(Done, Reopen)] = Accepted,
        [(Declined, Reopen)] = Proposed,
        [(Duplicate, Reopen)] = Proposed,
    };

    public static TheoryData<ItemStatus, ItemAction> EveryStatusAndAction()
    {
        var data = new TheoryData<ItemStatus, ItemAction>();
        foreach (var s in Enum.GetValues<ItemStatus>())
            foreach (var a in Enum.GetValues<ItemAction>())
                data.Add(s, a);
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryStatusAndAction))]
    public void TransitionIsAllowedExactlyWhenTheLifecycleTableSaysSo(ItemStatus from, ItemAction action)
    {
        var ok = ItemLifecycle.TryApply(from, action, out var to);

        if (Allowed.TryGetValue((from, action), out var expected))
        {
            Assert.True(ok, $"{from} --{action}--> should be allowed");
            Assert.Equal(expected, to);
        }
        else
        {
            Assert.False(ok, $"{from} --{action}--> should be refused, but went to {to}");
        }
    }

    [Fact]
    public void TheMatrixCoversSixStatusesAndSevenActions()
    {
        // Guards the theory above: a new status or action must be added to the hand-written table on purpose.
        Assert.Equal(6, Enum.GetValues<ItemStatus>().Length);
        Assert.Equal(7, Enum.GetValues<ItemAction>().Length);
        Assert.Equal(15, ItemLifecycle.All().Count());
    }

    [Fact]
    public void AllListsTheSameTransitionsAsTheHandWrittenTable()
    {
        var listed = ItemLifecycle.All().ToDictionary(t => (t.From, t.Action), t => t.To);
        Assert.Equal(Allowed.OrderBy(p => p.Key), listed.OrderBy(p => p.Key));
    }

    [Theory]
    [InlineData(Proposed, true)]
    [InlineData(Accepted, true)]
    [InlineData(InProgress, true)]
    [InlineData(Done, false)]
    [InlineData(Declined, false)]
    [InlineData(Duplicate, false)]
    public void OnlyProposedAcceptedAndInProgressAreOpen(ItemStatus status, bool open) =>
        Assert.Equal(open, ItemLifecycle.IsOpen(status));

    [Theory]
    [InlineData(Proposed, "proposed")]
    [InlineData(Accepted, "accepted")]
    [InlineData(InProgress, "in_progress")]
    [InlineData(Done, "done")]
    [InlineData(Declined, "declined")]
    [InlineData(Duplicate, "duplicate")]
    public void WireNameRoundTripsThroughParse(ItemStatus status, string wire)
    {
        Assert.Equal(wire, status.Wire());
        Assert.Equal(status, ItemLifecycle.Parse(wire));
        Assert.True(ItemLifecycle.TryParse(wire.ToUpperInvariant(), out var upper));
        Assert.Equal(status, upper);
    }

    [Fact]
    public void EveryStatusHasItsOwnWireName()
    {
        var names = Enum.GetValues<ItemStatus>().Select(s => s.Wire()).ToList();
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData("inprogress")]
    [InlineData("InProgress")]
    [InlineData("IN_PROGRESS")]
    public void InProgressIsAlsoReadWithoutTheUnderscore(string text)
    {
        Assert.True(ItemLifecycle.TryParse(text, out var s));
        Assert.Equal(InProgress, s);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("open")]
    [InlineData("in progress")]
    [InlineData("'; DROP TABLE items; --")]
    [InlineData("完了")]
    public void UnknownStatusTextIsRefused(string? text)
    {
        Assert.False(ItemLifecycle.TryParse(text, out _));
        if (text is not null) Assert.Throws<FormatException>(() => ItemLifecycle.Parse(text));
    }
}

namespace SpeBot.Core.Items;

public enum ItemStatus { Proposed, Accepted, InProgress, Done, Declined, Duplicate }

public enum ItemAction { Accept, Start, Complete, Decline, MarkDuplicate, Reopen, Release }

/// <summary>The item lifecycle: proposed → accepted → in_progress → done | declined | duplicate; reopen.</summary>
public static class ItemLifecycle
{
    private static readonly Dictionary<(ItemStatus, ItemAction), ItemStatus> Transitions = new()
    {
        [(ItemStatus.Proposed, ItemAction.Accept)] = ItemStatus.Accepted,
        [(ItemStatus.Proposed, ItemAction.Decline)] = ItemStatus.Declined,
        [(ItemStatus.Proposed, ItemAction.MarkDuplicate)] = ItemStatus.Duplicate,
        // Claiming an unaccepted item is allowed: people fix small things without waiting for triage.
        [(ItemStatus.Proposed, ItemAction.Start)] = ItemStatus.InProgress,
        [(ItemStatus.Accepted, ItemAction.Start)] = ItemStatus.InProgress,
        [(ItemStatus.Accepted, ItemAction.Decline)] = ItemStatus.Declined,
        [(ItemStatus.Accepted, ItemAction.MarkDuplicate)] = ItemStatus.Duplicate,
        [(ItemStatus.Accepted, ItemAction.Complete)] = ItemStatus.Done,
        [(ItemStatus.InProgress, ItemAction.Complete)] = ItemStatus.Done,
        [(ItemStatus.InProgress, ItemAction.Release)] = ItemStatus.Accepted,
        [(ItemStatus.InProgress, ItemAction.Decline)] = ItemStatus.Declined,
        [(ItemStatus.InProgress, ItemAction.MarkDuplicate)] = ItemStatus.Duplicate,
        [(ItemStatus.Done, ItemAction.Reopen)] = ItemStatus.Accepted,
        [(ItemStatus.Declined, ItemAction.Reopen)] = ItemStatus.Proposed,
        [(ItemStatus.Duplicate, ItemAction.Reopen)] = ItemStatus.Proposed,
    };

    public static bool TryApply(ItemStatus from, ItemAction action, out ItemStatus to) =>
        Transitions.TryGetValue((from, action), out to);

    public static IEnumerable<(ItemStatus From, ItemAction Action, ItemStatus To)> All() =>
        Transitions.Select(t => (t.Key.Item1, t.Key.Item2, t.Value));

    public static bool IsOpen(ItemStatus s) => s is ItemStatus.Proposed or ItemStatus.Accepted or ItemStatus.InProgress;

    public static string Wire(this ItemStatus s) => s switch
    {
        ItemStatus.Proposed => "proposed",
        ItemStatus.Accepted => "accepted",
        ItemStatus.InProgress => "in_progress",
        ItemStatus.Done => "done",
        ItemStatus.Declined => "declined",
        _ => "duplicate",
    };

    public static bool TryParse(string? text, out ItemStatus status)
    {
        foreach (var s in Enum.GetValues<ItemStatus>())
        {
            if (string.Equals(s.Wire(), text, StringComparison.OrdinalIgnoreCase)
                || string.Equals(s.Wire().Replace("_", "", StringComparison.Ordinal), text, StringComparison.OrdinalIgnoreCase))
            {
                status = s;
                return true;
            }
        }
        status = default;
        return false;
    }

    public static ItemStatus Parse(string wire) =>
        TryParse(wire, out var s) ? s : throw new FormatException($"Unknown item status '{wire}'.");
}

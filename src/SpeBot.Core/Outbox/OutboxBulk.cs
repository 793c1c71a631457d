namespace SpeBot.Core.Outbox;

/// <summary>
/// For rows queued outside <see cref="OutboxStore.EnqueueAsync"/> (the cards of a batch of proposals, written with
/// their items in one statement by <see cref="Items.ItemStore.CreateManyAsync"/>).
/// </summary>
public static class OutboxBulk
{
    /// <summary>The queuing request's span while traces are exported (as <see cref="OutboxStore.EnqueueAsync"/> records it).</summary>
    public static string? TraceParent() =>
        Telemetry.Source.HasListeners() && System.Diagnostics.Activity.Current is { IdFormat: System.Diagnostics.ActivityIdFormat.W3C } a ? a.Id : null;
}

using System.Globalization;
using Microsoft.Extensions.Options;
using SpeBot.Core.Capacity;
using SpeBot.Core.Items;
using SpeBot.Core.Outbox;
using SpeBot.Core.Workspaces;

namespace SpeBot.Core.Schedules;

/// <summary>What a nudge row should do at send time, decided once for every platform.</summary>
public abstract record NudgeDue
{
    /// <summary>Nothing to send: the person opted out, or every claim was updated or released meanwhile.</summary>
    public sealed record Skip : NudgeDue;

    /// <summary>Outside the person's working hours: try again at the next start.</summary>
    public sealed record Wait(TimeSpan Delay) : NudgeDue;

    public sealed record Send(IReadOnlyList<Item> Claims, string Locale, int StaleDays) : NudgeDue;

    public sealed record Invalid(string Reason) : NudgeDue;
}

/// <summary>
/// The send-time rules of a nudge DM: the opt-out, working days and hours in the person's own time zone, and only the
/// claims still stale and still theirs. Platforms only render the result.
/// </summary>
public sealed class NudgeDelivery(ItemStore items, NudgeSettings settings, WorkspaceStore workspaces, TimeProvider clock,
                                  IOptions<ScheduleOptions> options, IOptions<SpeBotOptions> spebot)
{
    public async Task<NudgeDue> ResolveAsync(long workspaceId, OutboundBody body, CancellationToken ct)
    {
        var workspace = await workspaces.GetAsync(workspaceId, ct);
        if (workspace is null || body.UserId is null) return new NudgeDue.Invalid("nudge without a person");
        if (!await settings.IsEnabledAsync(workspace.Id, body.UserId, ct)) return new NudgeDue.Skip();
        var zone = await settings.ZoneAsync(workspace.Id, body.UserId, ct) ?? Weeks.Zone(workspace.TimeZone, spebot.Value.DefaultTimeZone);
        var now = clock.GetUtcNow();
        if (WorkingHours.NextStart(now, zone, options.Value) is { } start) return new NudgeDue.Wait(start - now);

        var claims = new List<Item>();
        foreach (var id in (body.Args?.GetValueOrDefault("items") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var itemId)
                && await items.GetAsync(itemId, ct) is { State: ItemStatus.InProgress } item && item.ClaimedBy == body.UserId)
                claims.Add(item);
        }
        if (claims.Count == 0) return new NudgeDue.Skip();
        var locale = await workspaces.LocaleForAsync(workspace, body.UserId, null, ct);
        return new NudgeDue.Send(claims, locale, options.Value.StaleClaimDays);
    }

    /// <summary>The outbox outcome for everything but a send.</summary>
    public static SendResult? NotSending(NudgeDue due) => due switch
    {
        NudgeDue.Skip => new SendResult.Sent(null),
        NudgeDue.Wait w => new SendResult.Deferred(w.Delay, "outside the person's working hours"),
        NudgeDue.Invalid i => new SendResult.Permanent(i.Reason),
        _ => null,
    };
}

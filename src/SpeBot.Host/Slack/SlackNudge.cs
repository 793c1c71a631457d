using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using SpeBot.Core;
using SpeBot.Core.Capacity;
using SpeBot.Core.Items;
using SpeBot.Core.Outbox;
using SpeBot.Core.Schedules;
using SpeBot.Core.Workspaces;

namespace SpeBot.Host.Slack;

/// <summary>
/// A nudge DM: the person's still-stale claims with Still on it / Release / Done buttons. Outside working hours in
/// their zone the row is deferred (not failed) until the next working-hours start.
/// </summary>
public sealed class SlackNudge(SlackWebApi api, SlackRenderer renderer, ItemStore items, NudgeSettings settings, WorkspaceStore workspaces,
                               TimeProvider clock, IOptions<ScheduleOptions> options, IOptions<SpeBotOptions> spebot)
{
    public const string Action = "spe_nudge";

    public async Task<SendResult> SendAsync(OutboxRow row, OutboundBody body, CancellationToken ct)
    {
        var workspace = await workspaces.GetAsync(row.WorkspaceId, ct);
        if (workspace is null || body.UserId is null) return new SendResult.Permanent("nudge without a person");
        if (!await settings.IsEnabledAsync(workspace.Id, body.UserId, ct)) return new SendResult.Sent(null);
        var zone = await settings.ZoneAsync(workspace.Id, body.UserId, ct) ?? Weeks.Zone(workspace.TimeZone, spebot.Value.DefaultTimeZone);
        var now = clock.GetUtcNow();
        if (WorkingHours.NextStart(now, zone, options.Value) is { } start)
            return new SendResult.Deferred(start - now, "outside the person's working hours");

        var claims = new List<Item>();
        foreach (var id in (body.Args?.GetValueOrDefault("items") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (await items.GetAsync(long.Parse(id, CultureInfo.InvariantCulture), ct) is { State: ItemStatus.InProgress } item && item.ClaimedBy == body.UserId)
                claims.Add(item);
        }
        // Everything was updated or released meanwhile: nothing left to nudge about.
        if (claims.Count == 0) return new SendResult.Sent(null);
        var locale = await workspaces.LocaleForAsync(workspace, body.UserId, null, ct);
        var intro = renderer.T(locale, new Message("nudge.dm", new() { ["count"] = claims.Count, ["days"] = options.Value.StaleClaimDays }));
        var blocks = new List<JsonObject> { BlockKit.Section(intro) };
        foreach (var item in claims.Take(15))
        {
            var id = item.Id.ToString(CultureInfo.InvariantCulture);
            blocks.Add(BlockKit.Section($"*{item.Ref}* {SlackText.EscapeText(item.Title)}"));
            blocks.Add(BlockKit.Actions(
                BlockKit.Button(renderer.T(locale, "nudge.still"), Action, $"update:{id}", "primary"),
                BlockKit.Button(renderer.T(locale, "card.menu.release"), Action, $"release:{id}"),
                BlockKit.Button(renderer.T(locale, "card.menu.done"), Action, $"done:{id}")));
        }
        var ts = await api.PostMessageAsync(body.UserId, BlockKit.Truncate(intro, BlockKit.MaxFallbackText), BlockKit.Limit(blocks, BlockKit.MaxBlocks), ct: ct);
        return new SendResult.Sent(ts.Ts);
    }
}

/// <summary>A person's zone from users.info (tz); the core caches it in user_settings.</summary>
internal sealed class SlackUserTimeZones(SlackWebApi api) : IUserTimeZones
{
    public async Task<string?> LookupAsync(long workspaceId, string userId, CancellationToken ct)
    {
        try
        {
            return (await api.UserInfoAsync(userId, ct)).TimeZone;
        }
        catch (Exception e) when (e is SlackApiException or SlackTransportException or SlackRateLimitedException)
        {
            return null;
        }
    }
}

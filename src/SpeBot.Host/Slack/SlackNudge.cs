using System.Globalization;
using System.Text.Json.Nodes;
using SpeBot.Core;
using SpeBot.Core.Outbox;
using SpeBot.Core.Schedules;

namespace SpeBot.Host.Slack;

/// <summary>
/// A nudge DM: the person's still-stale claims with Still on it / Release / Done buttons. Outside working hours in
/// their zone the row is deferred (not failed) until the next working-hours start.
/// </summary>
public sealed class SlackNudge(SlackWebApi api, SlackRenderer renderer, NudgeDelivery delivery)
{
    /// <summary>
    /// One action_id per button: Slack refuses an actions block whose action_ids repeat
    /// (https://docs.slack.dev/reference/block-kit/block-elements). The value still carries "verb:itemId".
    /// </summary>
    public const string UpdateAction = "spe_nudge_update";
    public const string ReleaseAction = "spe_nudge_release";
    public const string DoneAction = "spe_nudge_done";

    /// <summary>The single id nudges used before, still on DMs already posted; the value tells the buttons apart.</summary>
    public const string LegacyAction = "spe_nudge";

    public static bool IsAction(string actionId) => actionId is UpdateAction or ReleaseAction or DoneAction or LegacyAction;

    public async Task<SendResult> SendAsync(OutboxRow row, OutboundBody body, CancellationToken ct)
    {
        var due = await delivery.ResolveAsync(row.WorkspaceId, body, ct);
        if (due is not NudgeDue.Send(var claims, var locale, var staleDays)) return NudgeDelivery.NotSending(due)!;
        var intro = renderer.T(locale, new Message("nudge.dm", new() { ["count"] = claims.Count, ["days"] = staleDays }));
        var blocks = new List<JsonObject> { BlockKit.Section(intro) };
        foreach (var item in claims.Take(15))
        {
            var id = item.Id.ToString(CultureInfo.InvariantCulture);
            blocks.Add(BlockKit.Section($"*{item.Ref}* {SlackText.EscapeText(item.Title)}"));
            blocks.Add(BlockKit.Actions(
                BlockKit.Button(renderer.T(locale, "nudge.still"), UpdateAction, $"update:{id}", "primary"),
                BlockKit.Button(renderer.T(locale, "card.menu.release"), ReleaseAction, $"release:{id}"),
                BlockKit.Button(renderer.T(locale, "card.menu.done"), DoneAction, $"done:{id}")));
        }
        var ts = await api.PostMessageAsync(body.UserId!, BlockKit.Truncate(intro, BlockKit.MaxFallbackText), BlockKit.Limit(blocks, BlockKit.MaxBlocks), ct: ct);
        return new SendResult.Sent(ts.Ts);
    }
}

/// <summary>A person's zone from users.info (tz); the core caches it in user_settings.</summary>
internal sealed class SlackUserTimeZones(SlackWebApi api) : IPlatformTimeZones
{
    public Platform Platform => Platform.Slack;

    public async Task<string?> LookupAsync(string userId, CancellationToken ct)
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

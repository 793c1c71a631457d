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
    public const string Action = "spe_nudge";

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
                BlockKit.Button(renderer.T(locale, "nudge.still"), Action, $"update:{id}", "primary"),
                BlockKit.Button(renderer.T(locale, "card.menu.release"), Action, $"release:{id}"),
                BlockKit.Button(renderer.T(locale, "card.menu.done"), Action, $"done:{id}")));
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

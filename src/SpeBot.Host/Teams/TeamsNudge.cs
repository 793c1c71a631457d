using System.Globalization;
using System.Text.Json.Nodes;
using SpeBot.Core;
using SpeBot.Core.Items;
using SpeBot.Core.Outbox;
using SpeBot.Core.Schedules;

namespace SpeBot.Host.Teams;

/// <summary>
/// The nudge on Teams: a 1:1 card listing the person's still-stale claims, each with Still on it / Release / Done
/// (Action.Execute, answered in <see cref="TeamsInvokes"/> through the same commands as Slack's nudge buttons).
/// Outside working hours in their zone the row is deferred (not failed) until the next working-hours start.
/// </summary>
public sealed class TeamsNudge(BotConnectorClient connector, TeamsRenderer renderer, NudgeDelivery delivery)
{
    public const string Verb = "spe.nudge";
    /// <summary>The button operations, as Slack's nudge values name them.</summary>
    public static readonly IReadOnlyList<string> Ops = ["update", "release", "done"];
    private const int MaxItems = 15;

    public async Task<SendResult> SendAsync(OutboxRow row, OutboundBody body, ConversationReference reference, CancellationToken ct)
    {
        var due = await delivery.ResolveAsync(row.WorkspaceId, body, ct);
        if (due is not NudgeDue.Send(var claims, var locale, var staleDays)) return NudgeDelivery.NotSending(due)!;
        var card = Card(renderer, claims, locale, staleDays);
        return new SendResult.Sent(await connector.SendAsync(reference.ServiceUrl, reference.ConversationId, TeamsRenderer.CardActivity(card), ct));
    }

    /// <summary>
    /// The nudge card. Items in <paramref name="handled"/> show without buttons, and <paramref name="outcome"/> (the answer
    /// to the button just used) heads the list. Each button carries the card's items, the handled ones and the stale
    /// days, so the card can be redrawn after a click without state on the server.
    /// </summary>
    public static JsonObject Card(TeamsRenderer renderer, IReadOnlyList<Item> claims, string locale, int staleDays,
                                  IReadOnlyCollection<long>? handled = null, string? outcome = null)
    {
        var style = renderer.NewStyle();
        handled ??= [];
        string T(string key, Dictionary<string, object?>? args = null) => renderer.T(locale, new Message(key, args), style);
        var shown = claims.Take(MaxItems).ToList();
        var items = string.Join(',', shown.Select(i => i.Id.ToString(CultureInfo.InvariantCulture)));
        var done = string.Join(',', handled.Select(i => i.ToString(CultureInfo.InvariantCulture)));
        var body = new List<JsonNode> { AdaptiveCards.Text(T("nudge.dm", new() { ["count"] = claims.Count, ["days"] = staleDays })) };
        if (outcome is not null) body.Add(AdaptiveCards.Text(outcome, "Bolder"));
        foreach (var item in shown)
        {
            JsonObject Data(string op) => new()
            {
                ["op"] = op, ["itemId"] = item.Id.ToString(CultureInfo.InvariantCulture), ["items"] = items, ["handled"] = done,
                ["days"] = staleDays.ToString(CultureInfo.InvariantCulture),
            };
            var isHandled = handled.Contains(item.Id);
            body.Add(AdaptiveCards.Text($"{(isHandled ? "✓ " : "")}**{item.Ref}** {TeamsText.EscapeText(item.Title)}", subtle: isHandled));
            if (isHandled) continue;
            body.Add(new JsonObject
            {
                ["type"] = "ActionSet",
                ["actions"] = new JsonArray(
                    AdaptiveCards.Execute(T("nudge.still"), Verb, Data("update"), "positive"),
                    AdaptiveCards.Execute(T("card.menu.release"), Verb, Data("release")),
                    AdaptiveCards.Execute(T("card.menu.done"), Verb, Data("done"))),
            });
        }
        return AdaptiveCards.Card(body, mentions: style.Entities());
    }
}

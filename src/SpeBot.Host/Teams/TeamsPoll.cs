using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using SpeBot.Core;
using SpeBot.Core.Capacity;
using SpeBot.Core.Outbox;
using SpeBot.Core.Retro;
using SpeBot.Core.Workspaces;

namespace SpeBot.Host.Teams;

/// <summary>
/// A retro poll on Teams: one Adaptive Card with an Action.Execute per option and only the voter count while open,
/// results once closed. Posted proactively and remembered by the poll key, so tally updates and the close edit the
/// same activity. Voter mentions appear only in a named poll's results (an anonymous poll's view carries no voters).
/// </summary>
public sealed class TeamsPoll(BotConnectorClient connector, TeamsRenderer renderer, RetroPolls polls, PostedMessageStore posted, OutboxStore outbox,
                              WorkspaceStore workspaces, IOptions<SpeBotOptions> options, IOptions<TeamsOptions> teams)
{
    public const string VoteVerb = "retro_vote";
    /// <summary>Button titles are plain text; long item titles are cut before formatting so an escape is never split.</summary>
    private const int MaxButtonTitle = 60;

    public async Task<SendResult> PostAsync(OutboxRow row, OutboundBody body, ConversationReference reference, string locale, CancellationToken ct)
    {
        if (await ViewAsync(body, ct) is not { } view) return new SendResult.Permanent("poll no longer exists");
        var activity = TeamsRenderer.CardActivity(await CardAsync(view, locale, ct));
        // A retried post after a lost answer finds the recorded activity and edits it instead of posting a second poll.
        if (await posted.FindByRefAsync(Platform.Teams, row.ChannelId, OutboxKinds.Poll, body.Key!, ct) is { } existing)
        {
            await connector.UpdateAsync(reference.ServiceUrl, reference.ConversationId, existing.MessageId, activity, ct);
            return new SendResult.Sent(existing.MessageId);
        }
        var id = await connector.PostAsync(reference, teams.Value.AppId, activity, ct);
        if (id is null) return new SendResult.Transient("the Connector returned no activity id");
        return new SendResult.Sent(id, new PostedMessage
        {
            Platform = "teams", ChannelId = row.ChannelId, MessageId = id, WorkspaceId = row.WorkspaceId, Kind = OutboxKinds.Poll, RefId = body.Key,
        });
    }

    public async Task<SendResult> UpdateAsync(OutboxRow row, OutboundBody body, ConversationReference reference, string locale, CancellationToken ct)
    {
        if (await ViewAsync(body, ct) is not { } view) return new SendResult.Permanent("poll no longer exists");
        var message = await posted.FindByRefAsync(Platform.Teams, row.ChannelId, OutboxKinds.Poll, body.Key!, ct);
        if (message is null) return await outbox.UpdateWithoutMessageAsync($"poll:{body.Key}", "poll", ct);
        var activity = TeamsRenderer.CardActivity(await CardAsync(view, locale, ct));
        await connector.UpdateAsync(reference.ServiceUrl, reference.ConversationId, message.MessageId, activity, ct);
        return new SendResult.Sent(message.MessageId);
    }

    /// <summary>The card for <paramref name="view"/> in the workspace's time zone.</summary>
    public async Task<JsonObject> CardAsync(PollView view, string locale, CancellationToken ct)
    {
        var workspace = await workspaces.GetAsync(view.Poll.WorkspaceId, ct);
        return Card(renderer, view, locale, Weeks.Zone(workspace?.TimeZone, options.Value.DefaultTimeZone));
    }

    private async Task<PollView?> ViewAsync(OutboundBody body, CancellationToken ct) =>
        long.TryParse(body.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? await polls.ViewAsync(id, ct) : null;

    public static JsonObject Card(TeamsRenderer renderer, PollView view, string locale, TimeZoneInfo zone)
    {
        var style = renderer.NewStyle();
        string T(string key, Dictionary<string, object?>? args = null) => renderer.T(locale, new Message(key, args), style);
        var at = TimeZoneInfo.ConvertTime(view.Poll.ClosedAt ?? view.Poll.ClosesAt, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        var body = new List<JsonNode>
        {
            AdaptiveCards.Text(T("retro.title"), "Bolder", "Medium"),
            AdaptiveCards.Text(T(view.Closed ? "retro.intro_closed" : "retro.intro_open", new() { ["closes"] = $"{at} ({zone.Id})" })),
        };
        if (view.Poll.Anonymous) body.Add(AdaptiveCards.Text(T("retro.anonymous_note"), subtle: true, size: "Small"));
        var pollId = view.Poll.Id.ToString(CultureInfo.InvariantCulture);
        foreach (var q in view.Questions)
        {
            body.Add(AdaptiveCards.Text(T($"teams.retro.q.{q.Question}"), "Bolder"));
            var lines = new List<string>();
            if (q.Choices.Count == 0) lines.Add(T("retro.no_options"));
            else if (!view.Closed) lines.AddRange(q.Choices.Select(c => "- " + T("retro.option", Args(c))));
            else
            {
                lines.AddRange(q.Choices.Select(c => "- " + T(c.Winner ? "teams.retro.result_winner" : "retro.result", Args(c))
                    + (c.Voters.Count == 0 ? "" : " · " + string.Join(" ", c.Voters.Select(v => style.Mention(new UserRef(v)))))));
                if (q.Winner is null) lines.Add(T("retro.no_votes"));
            }
            body.Add(AdaptiveCards.Text(string.Join("\n", lines)));
            // Results stay hidden while open: buttons carry no counts, and only the number of voters is shown.
            if (!view.Closed && q.Choices.Count > 0)
            {
                body.Add(new JsonObject
                {
                    ["type"] = "ActionSet",
                    ["actions"] = new JsonArray(q.Choices.Select(c => (JsonNode)AdaptiveCards.Execute(
                        T("retro.option", Args(c, MaxButtonTitle)), VoteVerb,
                        new JsonObject { ["poll"] = pollId, ["question"] = q.Question, ["option"] = c.OptionId })).ToArray()),
                });
            }
        }
        if (!view.Closed) body.Add(AdaptiveCards.Text(T("retro.voted", new() { ["count"] = view.VoterCount }), subtle: true));
        return AdaptiveCards.Card(body, mentions: style.Entities());
    }

    private static Dictionary<string, object?> Args(PollChoice c, int? maxTitle = null) => new()
    {
        ["ref"] = c.Item?.Ref ?? c.OptionId,
        ["title"] = maxTitle is { } max ? AdaptiveCards.Truncate(c.Item?.Title ?? "", max) : c.Item?.Title ?? "",
        ["votes"] = c.Votes,
    };
}

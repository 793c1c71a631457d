using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using SpeBot.Core;
using SpeBot.Core.Capacity;
using SpeBot.Core.Items;
using SpeBot.Core.Oncall;
using SpeBot.Core.Outbox;
using SpeBot.Core.Workspaces;

namespace SpeBot.Host.Teams;

/// <summary>
/// The handoff summary on Teams as a read-only card. There are no buttons on it yet (Slack's Propose per toil note has
/// no Teams invoke), so the toil heading tells people to type the command instead. The incoming person's DM (and the
/// reminder) is a 1:1 card with an Ack button answered in <see cref="TeamsInvokes"/>.
/// </summary>
public sealed class TeamsHandoff(BotConnectorClient connector, TeamsRenderer renderer, HandoffBuilder builder, Handoffs handoffs, WorkspaceStore workspaces,
                                 IOptions<SpeBotOptions> options, IOptions<TeamsOptions> teams)
{
    public const string AckVerb = "spe.handoff_ack";
    private const int MaxLines = 10;

    /// <summary>The DM to the incoming person in their 1:1 chat, or the reminder; nothing once they have acked.</summary>
    public async Task<SendResult> DirectAsync(OutboxRow row, OutboundBody body, ConversationReference reference, CancellationToken ct)
    {
        var h = long.TryParse(body.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? await handoffs.GetAsync(id, ct) : null;
        var workspace = await workspaces.GetAsync(row.WorkspaceId, ct);
        if (h?.IncomingId is null || workspace is null) return new SendResult.Permanent("handoff no longer exists");
        if (h.AckedAt is not null) return new SendResult.Sent(null);
        var locale = await workspaces.LocaleForAsync(workspace, h.IncomingId, null, ct);
        var card = DirectCard(renderer, h, locale, reminder: body.Args?.ContainsKey("reminder") == true, outcome: null);
        return new SendResult.Sent(await connector.SendAsync(reference.ServiceUrl, reference.ConversationId, TeamsRenderer.CardActivity(card), ct));
    }

    /// <summary>The DM card: the Ack button until acknowledged; with an <paramref name="outcome"/> (the answer to a click) that line instead.</summary>
    public static JsonObject DirectCard(TeamsRenderer renderer, Handoff h, string locale, bool reminder, AckOutcome? outcome)
    {
        var style = renderer.NewStyle();
        string T(string key, Dictionary<string, object?>? args = null) => renderer.T(locale, new Message(key, args), style);
        var channel = new ChannelMention(h.ChannelId);
        var text = reminder ? T("handoff.reminder", new() { ["channel"] = channel })
            : h.OutgoingId is { } o && o != h.IncomingId ? T("handoff.dm", new() { ["outgoing"] = new UserRef(o), ["channel"] = channel })
            : T("handoff.dm_first", new() { ["channel"] = channel });
        var body = new List<JsonNode> { AdaptiveCards.Text(text) };
        if (outcome is { } done)
        {
            body.Add(AdaptiveCards.Text(T(done == AckOutcome.Acked ? "handoff.acked" : "handoff.already_acked"), "Bolder"));
            return AdaptiveCards.Card(body, mentions: style.Entities());
        }
        var data = new JsonObject { ["handoff"] = h.Id.ToString(CultureInfo.InvariantCulture) };
        return AdaptiveCards.Card(body, [AdaptiveCards.Execute(T("handoff.ack"), AckVerb, data, "positive")], style.Entities());
    }

    public async Task<SendResult> SummaryAsync(OutboxRow row, OutboundBody body, ConversationReference reference, string locale, CancellationToken ct)
    {
        var model = long.TryParse(body.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? await builder.BuildAsync(id, ct) : null;
        var workspace = await workspaces.GetAsync(row.WorkspaceId, ct);
        if (model is null || workspace is null) return new SendResult.Permanent("handoff no longer exists");
        var card = Card(renderer, model, locale, Weeks.Zone(workspace.TimeZone, options.Value.DefaultTimeZone));
        var messageId = await connector.PostAsync(reference, teams.Value.AppId, TeamsRenderer.CardActivity(card), ct);
        if (messageId is null) return new SendResult.Transient("the Connector returned no activity id");
        return new SendResult.Sent(messageId, new PostedMessage
        {
            Platform = "teams", ChannelId = row.ChannelId, MessageId = messageId, WorkspaceId = row.WorkspaceId, Kind = OutboxKinds.Handoff, RefId = body.Key,
        });
    }

    public static JsonObject Card(TeamsRenderer renderer, HandoffModel m, string locale, TimeZoneInfo zone)
    {
        var style = renderer.NewStyle();
        string T(string key, Dictionary<string, object?>? args = null) => renderer.T(locale, new Message(key, args), style);
        string Time(DateTimeOffset t) => TimeZoneInfo.ConvertTime(t, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        var h = m.Handoff;
        var title = h switch
        {
            { OutgoingId: { } o, IncomingId: { } i } => T("teams.handoff.title", new() { ["outgoing"] = new UserRef(o), ["incoming"] = new UserRef(i) }),
            { IncomingId: { } i } => T("teams.handoff.title_first", new() { ["incoming"] = new UserRef(i) }),
            _ => T("teams.handoff.title_nobody"),
        };
        var body = new List<JsonNode>
        {
            AdaptiveCards.Text(title, "Bolder", "Medium"),
            AdaptiveCards.Text(m.Quiet ? T("handoff.quiet") : T("handoff.tldr", new()
            {
                ["notes"] = m.Notes.Count, ["toil"] = m.Toil.Count, ["questions"] = m.Questions.Count, ["touched"] = m.TouchedCount, ["due"] = m.DueCount,
            })),
            AdaptiveCards.Text(T("handoff.window", new() { ["from"] = Time(h.ShiftFrom), ["to"] = $"{Time(h.ShiftTo)} ({zone.Id})" }), subtle: true),
        };
        string Note(ShiftNote n) => T("handoff.note", new() { ["user"] = new UserRef(n.AuthorId), ["text"] = n.Text });
        string Item(ItemView v) => T("handoff.item", new() { ["ref"] = v.Item.Ref, ["title"] = v.Item.Title, ["status"] = new KeyRef($"status.{v.Item.State.Wire()}") });
        // Empty parts are left out, as on Slack: a short shift gives a short card. A long list ends with how many more
        // there are (as the digest's), since the TL;DR counts them all.
        void Part(string heading, IEnumerable<string> lines, int total = 0)
        {
            var list = lines.Take(MaxLines).ToList();
            if (list.Count == 0) return;
            if (total > list.Count) list.Add(T("handoff.more", new() { ["count"] = total - list.Count }));
            body.Add(AdaptiveCards.Text(T(heading), "Bolder"));
            body.Add(AdaptiveCards.Text(string.Join("\n", list.Select(l => "- " + l))));
        }

        Part("teams.handoff.notes", m.Notes.Where(n => !n.IsToil && !n.IsQuestion).Select(Note));
        Part("teams.handoff.toil", m.Toil.Select(Note));
        Part("teams.handoff.touched", m.Touched.Select(Item), m.TouchedCount);
        Part("teams.handoff.due", m.DueOrStale.Select(Item), m.DueCount);
        Part("teams.handoff.questions", m.Questions.Select(Note));
        return AdaptiveCards.Card(body, mentions: style.Entities());
    }
}

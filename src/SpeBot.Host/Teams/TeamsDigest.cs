using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using SpeBot.Core;
using SpeBot.Core.Capacity;
using SpeBot.Core.Outbox;
using SpeBot.Core.Schedules;
using SpeBot.Core.Storage;
using SpeBot.Core.Workspaces;

namespace SpeBot.Host.Teams;

/// <summary>
/// The channel digest on Teams: one Adaptive Card (Teams has no cheap "details in the thread" like Slack), remembered
/// by the digest's period key so a re-run in the same period replaces that card instead of posting another.
/// </summary>
public sealed class TeamsDigest(BotConnectorClient connector, TeamsRenderer renderer, DigestBuilder builder, PostedMessageStore posted,
                                WorkspaceStore workspaces, IOptions<SpeBotOptions> options, IOptions<TeamsOptions> teams)
{
    /// <summary>Lines per list, then fewer until the card fits the size budget (long evidence can fill it).</summary>
    private static readonly int[] Caps = [10, 5, 3, 1];

    public async Task<SendResult> SendAsync(OutboxRow row, OutboundBody body, ConversationReference reference, string locale, CancellationToken ct)
    {
        var workspace = await workspaces.GetAsync(row.WorkspaceId, ct);
        if (workspace is null || body.Key is null || body.Args is null) return new SendResult.Permanent("digest without a period");
        var model = await builder.BuildAsync(workspace.Id, Iso.Parse(body.Args["from"]), Iso.Parse(body.Args["to"]), ct);
        var activity = TeamsRenderer.CardActivity(Card(renderer, model, locale, Weeks.Zone(workspace.TimeZone, options.Value.DefaultTimeZone)));

        var main = await posted.FindByRefAsync(Platform.Teams, row.ChannelId, OutboxKinds.Digest, body.Key, ct);
        if (main is not null)
        {
            await connector.UpdateAsync(reference.ServiceUrl, reference.ConversationId, main.MessageId, activity, ct);
            return new SendResult.Sent(main.MessageId);
        }
        var id = await connector.PostAsync(reference, teams.Value.AppId, activity, ct);
        if (id is null) return new SendResult.Transient("the Connector returned no activity id");
        await posted.RecordAsync(new PostedMessage
        {
            Platform = "teams", ChannelId = row.ChannelId, MessageId = id, WorkspaceId = row.WorkspaceId, Kind = OutboxKinds.Digest, RefId = body.Key,
        }, ct);
        return new SendResult.Sent(id);
    }

    /// <summary>The whole digest as one card; catalog text is trusted and every argument goes through the Teams escaping.</summary>
    public static JsonObject Card(TeamsRenderer renderer, DigestModel m, string locale, TimeZoneInfo zone)
    {
        JsonObject card = null!;
        foreach (var cap in Caps)
        {
            (card, var cut) = Card(renderer, m, locale, zone, cap);
            if (!cut && BotJson.Serialize(card).Length <= AdaptiveCards.MaxCardBytes) break;
        }
        return card;
    }

    /// <summary>The card with at most <paramref name="cap"/> lines per list; Cut says a list outgrew one text block (its end would be lost).</summary>
    private static (JsonObject Card, bool Cut) Card(TeamsRenderer renderer, DigestModel m, string locale, TimeZoneInfo zone, int cap)
    {
        var style = renderer.NewStyle();
        var cut = false;
        string T(string key, Dictionary<string, object?>? args = null) => renderer.T(locale, new Message(key, args), style);
        string Day(DateTimeOffset t) => TimeZoneInfo.ConvertTime(t, zone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        Message Item(ItemView v) => new("digest.item", new()
        {
            ["ref"] = v.Item.Ref, ["title"] = v.Item.Title, ["score"] = v.Score.ToString("0.#", CultureInfo.InvariantCulture),
        });

        var body = new List<JsonNode>
        {
            AdaptiveCards.Text(T("digest.title", new() { ["from"] = Day(m.From), ["to"] = Day(m.To) }), "Bolder", "Medium"),
            AdaptiveCards.Text(T("digest.header", new()
            {
                ["open"] = m.Open, ["new"] = m.NewCount, ["done"] = m.DoneCount, ["triage"] = m.TriageCount,
                ["stale"] = m.StaleCount, ["stuck"] = m.StuckCount,
            })),
        };
        void Part(string heading, IEnumerable<Message> lines, int count)
        {
            body.Add(AdaptiveCards.Text(heading, "Bolder"));
            var shown = lines.Take(cap).Select(l => "- " + renderer.T(locale, l, style)).ToList();
            if (count > cap) shown.Add("- " + T("teams.digest.more", new() { ["count"] = count - cap }));
            var text = shown.Count == 0 ? T("digest.none") : string.Join("\n", shown);
            cut |= text.Length > AdaptiveCards.MaxTextBlock;
            body.Add(AdaptiveCards.Text(text));
        }

        Part(T("teams.digest.top"), m.Top.Select(Item), m.Top.Count);
        Part(T("teams.digest.new"), m.New.Select(Item), m.NewCount);
        Part(T("teams.digest.done"), m.Done.Select(v => new Message(v.Item.Evidence is null ? "digest.done_item" : "digest.done_evidence", new()
        {
            ["ref"] = v.Item.Ref, ["title"] = v.Item.Title, ["user"] = new UserRef(v.Item.DoneBy ?? v.Item.ClaimedBy ?? v.Item.AuthorId),
            ["evidence"] = v.Item.Evidence,
        })), m.DoneCount);
        Part(T("teams.digest.triage"), m.Triage.Select(Item), m.TriageCount);
        Part(T("teams.digest.stale"), m.StaleClaims.Select(v => new Message("digest.stale_item", new()
        {
            ["ref"] = v.Item.Ref, ["title"] = v.Item.Title, ["user"] = new UserRef(v.Item.ClaimedBy!),
        })), m.StaleCount);
        Part(T("teams.digest.capacity"), m.Capacity.Select(c => new Message("digest.capacity_line", new()
        {
            ["team"] = c.Team.Length == 0 ? new KeyRef("capacity.no_team") : c.Team,
            ["delivered"] = Math.Round(c.Delivered, 1), ["pledged"] = Math.Round(c.Pledged, 1),
        })), m.Capacity.Count);
        Part(T("teams.digest.stuck", new() { ["days"] = m.StuckDays }), m.Stuck.Select(Item), m.StuckCount);
        return (AdaptiveCards.Card(body, mentions: style.Entities()), cut);
    }
}

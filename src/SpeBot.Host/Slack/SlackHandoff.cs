using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using SpeBot.Core;
using SpeBot.Core.Capacity;
using SpeBot.Core.Items;
using SpeBot.Core.Oncall;
using SpeBot.Core.Outbox;
using SpeBot.Core.Workspaces;

namespace SpeBot.Host.Slack;

/// <summary>
/// The handoff summary in the channel (toil notes carry a Propose button that opens the prefilled proposal form) and
/// the DM to the incoming person with an Ack button, also used for the one reminder.
/// </summary>
public sealed class SlackHandoff(SlackWebApi api, SlackRenderer renderer, HandoffBuilder builder, Handoffs handoffs, WorkspaceStore workspaces,
                                 IOptions<SpeBotOptions> options)
{
    public const string AckAction = "spe_handoff_ack";
    public const string ProposeAction = "spe_handoff_propose";
    private const int MaxLines = 10;

    public async Task<SendResult> SummaryAsync(OutboxRow row, OutboundBody body, CancellationToken ct)
    {
        var model = Id(body) is { } id ? await builder.BuildAsync(id, ct) : null;
        var workspace = await workspaces.GetAsync(row.WorkspaceId, ct);
        if (model is null || workspace is null) return new SendResult.Permanent("handoff no longer exists");
        var (text, blocks) = Summary(model, workspaces.ChannelLocale(workspace), Weeks.Zone(workspace.TimeZone, options.Value.DefaultTimeZone));
        var ts = await api.PostMessageAsync(row.ChannelId, text, blocks, ct: ct);
        return new SendResult.Sent(ts.Ts, new PostedMessage
        {
            Platform = "slack", ChannelId = ts.Channel, MessageId = ts.Ts, WorkspaceId = row.WorkspaceId, Kind = OutboxKinds.Handoff, RefId = body.Key,
        });
    }

    internal (string Text, JsonArray Blocks) Summary(HandoffModel m, string locale, TimeZoneInfo zone)
    {
        string T(string key, Dictionary<string, object?>? args = null) => renderer.T(locale, new Message(key, args));
        string Time(DateTimeOffset t) => TimeZoneInfo.ConvertTime(t, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        var h = m.Handoff;
        var title = h switch
        {
            { OutgoingId: { } o, IncomingId: { } i } => T("handoff.title", new() { ["outgoing"] = new UserRef(o), ["incoming"] = new UserRef(i) }),
            { IncomingId: { } i } => T("handoff.title_first", new() { ["incoming"] = new UserRef(i) }),
            _ => T("handoff.title_nobody"),
        };
        var window = T("handoff.window", new() { ["from"] = Time(h.ShiftFrom), ["to"] = $"{Time(h.ShiftTo)} ({zone.Id})" });
        var summary = m.Quiet ? T("handoff.quiet") : T("handoff.tldr", new()
        {
            ["notes"] = m.Notes.Count, ["toil"] = m.Toil.Count, ["questions"] = m.Questions.Count, ["touched"] = m.TouchedCount, ["due"] = m.DueCount,
        });
        var blocks = new List<JsonObject> { BlockKit.Section($"{title}\n{summary}"), BlockKit.Context(window) };
        string Note(ShiftNote n) => T("handoff.note", new() { ["user"] = new UserRef(n.AuthorId), ["text"] = n.Text });
        string Item(ItemView v) => T("handoff.item", new() { ["ref"] = v.Item.Ref, ["title"] = v.Item.Title, ["status"] = new KeyRef($"status.{v.Item.State.Wire()}") });
        // A long list ends with how many more there are, since the TL;DR counts them all.
        void Part(string heading, IEnumerable<string> lines, int total = 0)
        {
            var list = lines.Take(MaxLines).ToList();
            if (list.Count > 0 && total > list.Count) list.Add(T("handoff.more", new() { ["count"] = total - list.Count }));
            list = list.Select(l => "• " + l).ToList();
            if (list.Count > 0) blocks.Add(BlockKit.Section(T(heading) + "\n" + string.Join("\n", list)));
        }

        Part("handoff.notes", m.Notes.Where(n => !n.IsToil && !n.IsQuestion).Select(Note));
        if (m.Toil.Count > 0)
        {
            blocks.Add(BlockKit.Section(T("handoff.toil")));
            foreach (var n in m.Toil.Take(MaxLines))
                blocks.Add(BlockKit.Section("• " + Note(n), BlockKit.Button(T("handoff.propose"), ProposeAction, n.Id.ToString(CultureInfo.InvariantCulture))));
        }
        Part("handoff.touched", m.Touched.Select(Item), m.TouchedCount);
        Part("handoff.due", m.DueOrStale.Select(Item), m.DueCount);
        Part("handoff.questions", m.Questions.Select(Note));
        return (BlockKit.Truncate($"{title}\n{summary}", BlockKit.MaxFallbackText), BlockKit.Limit(blocks, BlockKit.MaxBlocks));
    }

    /// <summary>The DM to the incoming person, or the reminder; nothing once they have acked.</summary>
    public async Task<SendResult> DirectAsync(OutboxRow row, OutboundBody body, CancellationToken ct)
    {
        var h = Id(body) is { } id ? await handoffs.GetAsync(id, ct) : null;
        var workspace = await workspaces.GetAsync(row.WorkspaceId, ct);
        if (h?.IncomingId is null || workspace is null) return new SendResult.Permanent("handoff no longer exists");
        if (h.AckedAt is not null) return new SendResult.Sent(null);
        var locale = await workspaces.LocaleForAsync(workspace, h.IncomingId, null, ct);
        var channel = new ChannelMention(h.ChannelId);
        var text = renderer.T(locale, body.Args?.ContainsKey("reminder") == true
            ? new Message("handoff.reminder", new() { ["channel"] = channel })
            : h.OutgoingId is { } o && o != h.IncomingId
                ? new Message("handoff.dm", new() { ["outgoing"] = new UserRef(o), ["channel"] = channel })
                : new Message("handoff.dm_first", new() { ["channel"] = channel }));
        var blocks = new JsonArray(BlockKit.Section(text),
            BlockKit.Actions(BlockKit.Button(renderer.T(locale, "handoff.ack"), AckAction, h.Id.ToString(CultureInfo.InvariantCulture), "primary")));
        var ts = await api.PostMessageAsync(h.IncomingId, BlockKit.Truncate(text, BlockKit.MaxFallbackText), blocks, ct: ct);
        return new SendResult.Sent(ts.Ts);
    }

    private static long? Id(OutboundBody body) =>
        long.TryParse(body.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
}

using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using SpeBot.Core;
using SpeBot.Core.Capacity;
using SpeBot.Core.Outbox;
using SpeBot.Core.Schedules;
using SpeBot.Core.Storage;
using SpeBot.Core.Workspaces;

namespace SpeBot.Host.Slack;

/// <summary>
/// The channel digest: one compact message (title and counts) with the details as a thread reply. Both are
/// remembered by the digest's key, so a re-run in the same period edits them with chat.update.
/// </summary>
public sealed class SlackDigest(SlackWebApi api, SlackRenderer renderer, DigestBuilder builder, PostedMessageStore posted,
                                WorkspaceStore workspaces, IOptions<SpeBotOptions> options)
{
    public const string ThreadKind = "digest_thread";
    private const int MaxLines = 10;

    public async Task<SendResult> SendAsync(OutboxRow row, OutboundBody body, CancellationToken ct)
    {
        var workspace = await workspaces.GetAsync(row.WorkspaceId, ct);
        if (workspace is null || body.Key is null || body.Args is null) return new SendResult.Permanent("digest without a period");
        var model = await builder.BuildAsync(workspace.Id, Iso.Parse(body.Args["from"]), Iso.Parse(body.Args["to"]), ct);
        var locale = workspaces.ChannelLocale(workspace);
        var zone = Weeks.Zone(workspace.TimeZone, options.Value.DefaultTimeZone);
        var (text, blocks) = Main(model, locale, zone);
        var details = Details(model, locale);

        var main = await posted.FindByRefAsync(Platform.Slack, row.ChannelId, OutboxKinds.Digest, body.Key, ct);
        string ts;
        if (main is not null)
        {
            ts = main.MessageId;
            await api.UpdateAsync(row.ChannelId, ts, text, blocks, ct);
        }
        else
        {
            ts = (await api.PostMessageAsync(row.ChannelId, text, blocks, ct: ct)).Ts;
            await posted.RecordAsync(Map(row, ts, OutboxKinds.Digest, body.Key), ct);
        }
        var thread = await posted.FindByRefAsync(Platform.Slack, row.ChannelId, ThreadKind, body.Key, ct);
        if (thread is not null) await api.UpdateAsync(row.ChannelId, thread.MessageId, text, details, ct);
        else
        {
            var reply = await api.PostMessageAsync(row.ChannelId, text, details, threadTs: ts, ct: ct);
            await posted.RecordAsync(Map(row, reply.Ts, ThreadKind, body.Key), ct);
        }
        return new SendResult.Sent(ts);
    }

    private static PostedMessage Map(OutboxRow row, string ts, string kind, string key) =>
        new() { Platform = "slack", ChannelId = row.ChannelId, MessageId = ts, WorkspaceId = row.WorkspaceId, Kind = kind, RefId = key };

    internal (string Text, JsonArray Blocks) Main(DigestModel m, string locale, TimeZoneInfo zone)
    {
        string Day(DateTimeOffset t) => TimeZoneInfo.ConvertTime(t, zone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var title = renderer.T(locale, new Message("digest.title", new() { ["from"] = Day(m.From), ["to"] = Day(m.To) }));
        var header = renderer.T(locale, new Message("digest.header", new()
        {
            ["open"] = m.Open, ["new"] = m.NewCount, ["done"] = m.DoneCount, ["triage"] = m.TriageCount,
            ["stale"] = m.StaleCount, ["stuck"] = m.StuckCount,
        }));
        var blocks = new JsonArray(BlockKit.Header(title), BlockKit.Section(header), BlockKit.Context(renderer.T(locale, "digest.details")));
        return (BlockKit.Truncate($"{title}\n{header}", BlockKit.MaxFallbackText), blocks);
    }

    internal JsonArray Details(DigestModel m, string locale)
    {
        var blocks = new List<JsonObject>();
        void Part(string heading, IEnumerable<Message> lines)
        {
            var list = lines.Take(MaxLines).Select(l => "• " + renderer.T(locale, l)).ToList();
            var text = renderer.T(locale, heading) + "\n" + (list.Count == 0 ? renderer.T(locale, "digest.none") : string.Join("\n", list));
            blocks.Add(BlockKit.Section(text));
        }
        Message Item(ItemView v) => new("digest.item", new() { ["ref"] = v.Item.Ref, ["title"] = v.Item.Title, ["score"] = BlockKit.Number(v.Score) });

        Part("digest.top", m.Top.Select(Item));
        Part("digest.new", m.New.Select(Item));
        Part("digest.done", m.Done.Select(v => new Message(v.Item.Evidence is null ? "digest.done_item" : "digest.done_evidence", new()
        {
            ["ref"] = v.Item.Ref, ["title"] = v.Item.Title, ["user"] = new UserRef(v.Item.DoneBy ?? v.Item.ClaimedBy ?? v.Item.AuthorId),
            ["evidence"] = v.Item.Evidence,
        })));
        Part("digest.triage", m.Triage.Select(Item));
        Part("digest.stale", m.StaleClaims.Select(v => new Message("digest.stale_item", new()
        {
            ["ref"] = v.Item.Ref, ["title"] = v.Item.Title, ["user"] = new UserRef(v.Item.ClaimedBy!),
        })));
        Part("digest.capacity", m.Capacity.Select(c => new Message("digest.capacity_line", new()
        {
            ["team"] = c.Team.Length == 0 ? new KeyRef("capacity.no_team") : c.Team,
            ["delivered"] = Math.Round(c.Delivered, 1), ["pledged"] = Math.Round(c.Pledged, 1),
        })));
        blocks.Add(BlockKit.Section(renderer.T(locale, new Message("digest.stuck", new() { ["days"] = m.StuckDays })) + "\n"
            + (m.Stuck.Count == 0 ? renderer.T(locale, "digest.none")
               : string.Join("\n", m.Stuck.Take(MaxLines).Select(v => "• " + renderer.T(locale, Item(v)))))));
        return BlockKit.Limit(blocks, BlockKit.MaxBlocks);
    }
}

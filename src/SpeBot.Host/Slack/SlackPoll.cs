using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using SpeBot.Core;
using SpeBot.Core.Capacity;
using SpeBot.Core.Outbox;
using SpeBot.Core.Retro;
using SpeBot.Core.Workspaces;

namespace SpeBot.Host.Slack;

/// <summary>
/// A retro poll message: buttons and a voter count while open, results once closed. Tally updates and the close
/// re-render the same message with chat.update. Voter ids appear only in a named poll's results.
/// </summary>
public sealed class SlackPoll(SlackWebApi api, SlackRenderer renderer, RetroPolls polls, PostedMessageStore posted, OutboxStore outbox,
                              WorkspaceStore workspaces, IOptions<SpeBotOptions> options)
{
    /// <summary>
    /// Choice buttons are retro_vote_0 … retro_vote_n within each question's actions block: Slack refuses repeated
    /// action_ids in a block (https://docs.slack.dev/reference/block-kit/block-elements). The value carries the vote.
    /// </summary>
    public const string VoteActionPrefix = "retro_vote_";

    /// <summary>The single id polls used before, still on polls already posted.</summary>
    public const string LegacyVoteAction = "retro_vote";

    public static string VoteAction(int index) => VoteActionPrefix + index.ToString(CultureInfo.InvariantCulture);

    public static bool IsVoteAction(string actionId) =>
        actionId == LegacyVoteAction
        || actionId.StartsWith(VoteActionPrefix, StringComparison.Ordinal) && actionId.Length > VoteActionPrefix.Length
           && actionId.AsSpan(VoteActionPrefix.Length).IndexOfAnyExceptInRange('0', '9') < 0;

    /// <summary>
    /// A choice's button label: what people typed (plain_text is shown as is, never parsed, so nothing is escaped),
    /// cut to Slack's 75-character button text with "…" (https://docs.slack.dev/reference/block-kit/block-elements/button-element).
    /// </summary>
    internal static string Label(PollChoice c)
    {
        var text = c.Item is null ? c.OptionId : $"{c.Item.Ref} {c.Item.Title}";
        if (text.Length <= BlockKit.MaxButtonText) return text;
        var cut = BlockKit.MaxButtonText - 1;
        if (char.IsLowSurrogate(text[cut])) cut--;
        return string.Concat(text.AsSpan(0, cut), "…");
    }

    public async Task<SendResult> PostAsync(OutboxRow row, OutboundBody body, CancellationToken ct)
    {
        if (await ViewAsync(body, ct) is not { } view) return new SendResult.Permanent("poll no longer exists");
        var (text, blocks) = await RenderAsync(view, ct);
        var ts = await api.PostMessageAsync(row.ChannelId, text, blocks, ct: ct);
        return new SendResult.Sent(ts.Ts, new PostedMessage
        {
            Platform = "slack", ChannelId = ts.Channel, MessageId = ts.Ts, WorkspaceId = row.WorkspaceId, Kind = OutboxKinds.Poll, RefId = body.Key,
        });
    }

    public async Task<SendResult> UpdateAsync(OutboxRow row, OutboundBody body, CancellationToken ct)
    {
        if (await ViewAsync(body, ct) is not { } view) return new SendResult.Permanent("poll no longer exists");
        var message = await posted.FindByRefAsync(Platform.Slack, row.ChannelId, OutboxKinds.Poll, body.Key!, ct);
        if (message is null) return await outbox.UpdateWithoutMessageAsync($"poll:{body.Key}", "poll", ct);
        var (text, blocks) = await RenderAsync(view, ct);
        await api.UpdateAsync(message.ChannelId, message.MessageId, text, blocks, ct);
        return new SendResult.Sent(message.MessageId);
    }

    private async Task<PollView?> ViewAsync(OutboundBody body, CancellationToken ct) =>
        long.TryParse(body.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? await polls.ViewAsync(id, ct) : null;

    private async Task<(string Text, JsonArray Blocks)> RenderAsync(PollView view, CancellationToken ct)
    {
        var workspace = await workspaces.GetAsync(view.Poll.WorkspaceId, ct);
        var locale = workspace is null ? "en" : workspaces.ChannelLocale(workspace);
        var zone = Weeks.Zone(workspace?.TimeZone, options.Value.DefaultTimeZone);
        return Render(view, locale, zone);
    }

    internal (string Text, JsonArray Blocks) Render(PollView view, string locale, TimeZoneInfo zone)
    {
        string T(string key, Dictionary<string, object?>? args = null) => renderer.T(locale, new Message(key, args));
        var at = TimeZoneInfo.ConvertTime(view.Poll.ClosedAt ?? view.Poll.ClosesAt, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        var title = T("retro.title");
        var intro = T(view.Closed ? "retro.intro_closed" : "retro.intro_open", new() { ["closes"] = $"{at} ({zone.Id})" });
        var blocks = new List<JsonObject> { BlockKit.Header(title), BlockKit.Section(intro) };
        if (view.Poll.Anonymous) blocks.Add(BlockKit.Context(T("retro.anonymous_note")));
        foreach (var q in view.Questions)
        {
            var lines = new List<string> { T($"retro.q.{q.Question}") };
            if (q.Choices.Count == 0) lines.Add(T("retro.no_options"));
            else if (!view.Closed) lines.AddRange(q.Choices.Select(c => "• " + T("retro.option", Args(c))));
            else
            {
                lines.AddRange(q.Choices.Select(c => "• " + T(c.Winner ? "retro.result_winner" : "retro.result", Args(c)) + Voters(c)));
                if (q.Winner is null) lines.Add(T("retro.no_votes"));
            }
            blocks.Add(BlockKit.Section(string.Join("\n", lines)));
            // Results stay hidden while open: buttons carry no counts, and only the number of voters is shown below.
            if (!view.Closed && q.Choices.Count > 0)
            {
                blocks.Add(BlockKit.Actions(q.Choices.Select((c, i) => BlockKit.Button(Label(c), VoteAction(i),
                    $"{view.Poll.Id.ToString(CultureInfo.InvariantCulture)}:{q.Question}:{c.OptionId}")).ToArray()));
            }
        }
        if (!view.Closed) blocks.Add(BlockKit.Context(T("retro.voted", new() { ["count"] = view.VoterCount })));
        return (BlockKit.Truncate($"{title}\n{intro}", BlockKit.MaxFallbackText), BlockKit.Limit(blocks, BlockKit.MaxBlocks));
    }

    private static Dictionary<string, object?> Args(PollChoice c) => new()
    {
        ["ref"] = c.Item?.Ref ?? c.OptionId, ["title"] = c.Item?.Title ?? "", ["votes"] = c.Votes,
    };

    // Mentions are built from validated ids only; an anonymous poll's choices carry no voters at all.
    private static string Voters(PollChoice c) =>
        c.Voters.Count == 0 ? "" : " · " + string.Join(" ", c.Voters.Select(v => SlackText.Instance.Mention(new UserRef(v))));
}

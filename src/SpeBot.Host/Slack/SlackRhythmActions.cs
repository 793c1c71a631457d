using System.Globalization;
using System.Text.RegularExpressions;
using SpeBot.Core;
using SpeBot.Core.Commands;
using SpeBot.Core.Items;
using SpeBot.Core.Oncall;
using SpeBot.Core.Retro;
using SpeBot.Core.Workspaces;

namespace SpeBot.Host.Slack;

/// <summary>Buttons on retro polls (vote) and handoffs (Ack, Propose toil). Answers go privately to the clicker.</summary>
public sealed partial class SlackRhythmActions(RetroPolls polls, Handoffs handoffs, ShiftStore shifts, ItemStore items, SlackForms forms,
                                               SlackWebApi api, SlackRenderer renderer, SlackReplies replies, ILogger<SlackRhythmActions> log)
{
    /// <summary>True when the click was one of these buttons (handled, even if it turned out invalid).</summary>
    internal async Task<bool> TryHandleAsync(InteractionPayload p, BlockAction action, Workspace workspace, string locale, string? channel,
                                             CancellationToken ct)
    {
        if (!SlackPoll.IsVoteAction(action.ActionId) && action.ActionId is not (SlackHandoff.AckAction or SlackHandoff.ProposeAction)) return false;
        Message? answer = action.ActionId switch
        {
            SlackHandoff.AckAction => await AckAsync(action.Value, workspace, p.User!.Id, ct),
            SlackHandoff.ProposeAction => await ProposeAsync(p, action.Value, workspace, locale, channel, ct),
            _ => await VoteAsync(action.Value, workspace, p.User!.Id, ct),
        };
        if (answer is not null && channel is not null)
        {
            // Through the response_url (else ephemeral): the answer is for the clicker only and names no one else.
            var body = renderer.Ack(Reply.Of(answer) with { Locale = locale });
            body["replace_original"] = false;
            await replies.EnqueueAsync(p.TeamId!, channel, p.User!.Id, p.ResponseUrl, body, ct);
        }
        return true;
    }

    private async Task<Message> VoteAsync(string? value, Workspace workspace, string userId, CancellationToken ct)
    {
        var parts = value?.Split(':');
        if (parts is not [var pollText, var question, var option]
            || !long.TryParse(pollText, NumberStyles.None, CultureInfo.InvariantCulture, out var pollId))
            return "retro.vote_invalid";
        var outcome = await polls.VoteAsync(Platform.Slack, workspace.Id, pollId, question, option, userId, ct);
        var item = long.TryParse(option, NumberStyles.None, CultureInfo.InvariantCulture, out var itemId) ? await items.GetAsync(itemId, ct) : null;
        var args = new Dictionary<string, object?> { ["ref"] = item?.Ref ?? option };
        return outcome switch
        {
            VoteOutcome.Recorded => new Message("retro.vote_recorded", args),
            VoteOutcome.Changed => new Message("retro.vote_changed", args),
            VoteOutcome.Unchanged => new Message("retro.vote_unchanged", args),
            VoteOutcome.Closed => "retro.vote_closed",
            _ => "retro.vote_invalid",
        };
    }

    private async Task<Message> AckAsync(string? value, Workspace workspace, string userId, CancellationToken ct)
    {
        if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id)) return "handoff.not_found";
        return await handoffs.AckAsync(workspace.Id, id, userId, ct) switch
        {
            AckOutcome.Acked => "handoff.acked",
            AckOutcome.AlreadyAcked => "handoff.already_acked",
            AckOutcome.NotYours => "handoff.not_yours",
            _ => "handoff.not_found",
        };
    }

    /// <summary>Opens the proposal form prefilled from the toil note (category toil), while the click's trigger is alive.</summary>
    private async Task<Message?> ProposeAsync(InteractionPayload p, string? value, Workspace workspace, string locale, string? channel, CancellationToken ct)
    {
        if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            || await shifts.GetNoteAsync(id, ct) is not { } note || note.WorkspaceId != workspace.Id || p.TriggerId is null)
            return null;
        var (title, detail) = MessageSplit.Split(ToilTag().Replace(note.Text, " ").Trim());
        var form = new FormRequest(title, detail ?? note.Text, "toil");
        try
        {
            await api.OpenViewAsync(p.TriggerId, forms.Modal(form, locale, channel), ct);
            return null;
        }
        catch (Exception e) when (e is SlackApiException or SlackTransportException or SlackRateLimitedException)
        {
            LogFormFailed(e.Message);
            return "error.form_unavailable";
        }
    }

    [GeneratedRegex(@"#toil\b", RegexOptions.IgnoreCase)]
    private static partial Regex ToilTag();

    [LoggerMessage(Level = LogLevel.Warning, Message = "views.open for a toil proposal failed: {Error}")]
    private partial void LogFormFailed(string error);
}

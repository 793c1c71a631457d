using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using SpeBot.Core;
using SpeBot.Core.Commands;
using SpeBot.Core.Items;
using SpeBot.Core.Workspaces;

namespace SpeBot.Host.Slack;

/// <summary>Shortcuts, button clicks and modal submissions (the form field <c>payload</c>).</summary>
public sealed class SlackInteractions(
    SlackForms forms, SlackEvidenceForm evidenceForm, Lifecycle lifecycle, SlackWebApi api, SlackRenderer renderer, SlackReplies replies, CommandRouter router, AckBudget budget,
    LateWork late, SlackRhythmActions rhythm, Proposals proposals, Votes votes, ItemStore items, WorkspaceStore workspaces, IOptions<SlackOptions> slack,
    ILogger<SlackInteractions> log)
{
    public const string GlobalShortcut = "spe_propose_global";
    public const string MessageShortcut = "spe_capture_message";

    public async Task<IResult> HandleAsync(string payloadJson, CancellationToken ct)
    {
        var p = JsonSerializer.Deserialize<InteractionPayload>(payloadJson, SlackJson.Options);
        if (p?.User is null || p.TeamId is null) return Results.BadRequest();
        var workspace = await workspaces.EnsureAsync(Platform.Slack, p.TeamId, ct);
        var locale = await workspaces.LocaleForAsync(workspace, p.User.Id, null, ct);

        return p.Type switch
        {
            "shortcut" when p.CallbackId == GlobalShortcut => await OpenFormAsync(p, new FormRequest(), locale, null, ct),
            "message_action" when p.CallbackId == MessageShortcut => await CaptureMessageAsync(p, workspace, locale, ct),
            "block_actions" => await ActionAsync(p, workspace, locale, ct),
            "view_submission" when p.View?.CallbackId == SlackForms.CallbackId => await SubmitAsync(p, workspace, ct),
            "view_submission" when p.View?.CallbackId == SlackEvidenceForm.CallbackId => await SubmitEvidenceAsync(p, workspace, locale, ct),
            _ => Results.Ok(),
        };
    }

    private async Task<IResult> OpenFormAsync(InteractionPayload p, FormRequest form, string locale, string? channel, CancellationToken ct)
    {
        if (p.TriggerId is null) return Results.Ok();
        try
        {
            await api.OpenViewAsync(p.TriggerId, forms.Modal(form, locale, channel), ct);
        }
        catch (Exception e) when (e is SlackApiException or SlackTransportException or SlackRateLimitedException)
        {
            log.LogWarning("views.open failed: {Error}", e.Message);
            if (p.Channel is not null)
                await replies.EnqueueAsync(p.TeamId!, p.Channel.Id, p.User!.Id, p.ResponseUrl,
                    renderer.Ack(Reply.Text("error.form_unavailable") with { Locale = locale }), ct);
        }
        return Results.Ok();
    }

    /// <summary>"Propose as SPE item": the form prefilled from the message (first line title, rest detail).</summary>
    private async Task<IResult> CaptureMessageAsync(InteractionPayload p, Workspace workspace, string locale, CancellationToken ct)
    {
        if (p.Channel is null || p.Message?.Ts is null) return Results.Ok();
        var existing = await items.FindBySourceAsync(workspace.Id, p.Channel.Id, p.Message.Ts, ct);
        if (existing is not null)
        {
            await replies.EnqueueAsync(p.TeamId!, p.Channel.Id, p.User!.Id, p.ResponseUrl, renderer.Ack(
                Reply.Text("propose.exists", new() { ["ref"] = existing.Ref, ["title"] = existing.Title }) with { Locale = locale }), ct);
            return Results.Ok();
        }
        var (title, detail) = MessageSplit.Split(SlackText.ToPlain(p.Message.Text));
        var source = new SourceMessage(p.Channel.Id, p.Message.Ts, p.Message.User, null, null);
        return await OpenFormAsync(p, new FormRequest(title, detail, Source: source), locale, p.Channel.Id, ct);
    }

    private async Task<IResult> SubmitAsync(InteractionPayload p, Workspace workspace, CancellationToken ct)
    {
        var submission = forms.Read(p.View!, workspace.Id, p.User!.Id);
        if (submission.Errors.Count > 0)
            return Results.Json(new { response_action = "errors", errors = submission.Errors });
        var (item, created) = await proposals.SubmitAsync(Platform.Slack, submission.Item!, submission.CardChannel!, ct);
        var locale = await workspaces.LocaleForAsync(workspace, p.User.Id, null, ct);
        await replies.NoticeAsync(workspace.Id, submission.CardChannel!, p.User.Id, locale,
            new Message(created ? "propose.created" : "propose.exists", new() { ["ref"] = item.Ref, ["title"] = item.Title }), ct);
        return Results.Ok();
    }

    private async Task<IResult> SubmitEvidenceAsync(InteractionPayload p, Workspace workspace, string locale, CancellationToken ct)
    {
        var (meta, evidence, errors) = evidenceForm.Read(p.View!);
        if (errors.Count > 0) return Results.Json(new { response_action = "errors", errors });
        var said = await lifecycle.DoneAsync(new Actor(Platform.Slack, workspace.Id, p.User!.Id, meta.Channel), meta.Number, evidence, ct);
        if (meta.Channel is not null) await replies.NoticeAsync(workspace.Id, meta.Channel, p.User.Id, locale, said, ct);
        return Results.Ok();
    }

    /// <summary>Card buttons. Vote toggles here; the others run the matching command and answer through the response_url.</summary>
    private async Task<IResult> ActionAsync(InteractionPayload p, Workspace workspace, string locale, CancellationToken ct)
    {
        var action = p.Actions?.FirstOrDefault();
        var channel = p.Container?.ChannelId ?? p.Channel?.Id;
        if (action is null) return Results.Ok();
        if (await rhythm.TryHandleAsync(p, action, workspace, locale, channel, ct)) return Results.Ok();

        if (action.ActionId == SlackRenderer.VoteAction)
        {
            var item = await ItemOfAsync(action.Value, workspace, ct);
            if (item is null) return Results.Ok();
            var (_, voted) = await votes.ToggleAsync(Platform.Slack, item.Id, p.User!.Id, channel, ct);
            if (channel is not null)
                await replies.NoticeAsync(workspace.Id, channel, p.User.Id, locale,
                    new Message(voted ? "vote.added" : "vote.removed", new() { ["ref"] = item.Ref }), ct);
            return Results.Ok();
        }

        // "Mark done" asks for the before/after first, while the click's trigger is alive.
        if (action.ActionId == SlackRenderer.MoreAction && action.SelectedOption?.Value?.Split(':') is ["done", var doneId]
            && await ItemOfAsync(doneId, workspace, ct) is { } doneItem && p.TriggerId is not null)
        {
            await api.OpenViewAsync(p.TriggerId, evidenceForm.Modal(new EvidenceForm(doneItem.Number, doneItem.Title), locale, channel), ct);
            return Results.Ok();
        }

        var text = action.ActionId switch
        {
            SlackRenderer.ClaimAction => await VerbOnItemAsync("claim", action.Value, workspace, ct),
            SlackRenderer.DetailsAction => await VerbOnItemAsync("show", action.Value, workspace, ct),
            SlackRenderer.PageAction => action.Value,
            SlackRenderer.MoreAction => await MenuCommandAsync(action.SelectedOption?.Value, workspace, ct),
            _ when SlackNudge.IsAction(action.ActionId) => await NudgeCommandAsync(action.Value, workspace, locale, ct),
            _ => null,
        };
        if (text is null) return Results.Ok();
        // A click in a view (the Home tab, or a details modal) has no channel and no response_url: answer in a view.
        if (channel is null) return p.Container?.Type == "view" ? await ReplyInViewAsync(p, text, locale, ct) : Results.Ok();
        var command = new ChatCommand(Platform.Slack, p.TeamId!, channel, p.User!.Id, text);
        var (_, work) = await budget.RunAsync(t => router.DispatchAsync(command, t), TimeSpan.FromMilliseconds(slack.Value.AckBudgetMs));
        late.Track(ReplyWhenDoneAsync(work, p, channel));
        return Results.Ok();
    }

    /// <summary>
    /// The command's answer as a modal over the view clicked in: views.open from the Home tab, views.push from a modal
    /// (https://docs.slack.dev/surfaces/modals : a trigger_id opens a modal, or pushes one while a modal is open). The
    /// trigger lives 3 s, so a slow answer goes to the person's DM instead.
    /// </summary>
    private async Task<IResult> ReplyInViewAsync(InteractionPayload p, string text, string locale, CancellationToken ct)
    {
        var user = p.User!.Id;
        // The person's DM stands in for a channel: it is where anything the command posts for them can go.
        var command = new ChatCommand(Platform.Slack, p.TeamId!, user, user, text);
        var (inTime, work) = await budget.RunAsync(t => router.DispatchAsync(command, t), TimeSpan.FromMilliseconds(slack.Value.AckBudgetMs));
        if (!inTime || p.TriggerId is null)
        {
            late.Track(DirectWhenDoneAsync(work, p.TeamId!, user));
            return Results.Ok();
        }
        var reply = await work;
        if (reply.NeedsForm) reply = Reply.Text("error.form_unavailable") with { Locale = reply.Locale ?? locale };
        var view = renderer.ReplyView(reply);
        try
        {
            if (p.View?.Type == "modal") await api.PushViewAsync(p.TriggerId, view, ct);
            else await api.OpenViewAsync(p.TriggerId, view, ct);
        }
        catch (Exception e) when (e is SlackApiException or SlackTransportException or SlackRateLimitedException)
        {
            log.LogWarning("Answering a click in a view failed: {Error}", e.Message);
            await replies.DirectAsync(p.TeamId!, user, renderer.Ack(reply), ct);
        }
        return Results.Ok();
    }

    private async Task DirectWhenDoneAsync(Task<Reply> work, string team, string user)
    {
        var reply = await work;
        if (reply.NeedsForm) reply = Reply.Text("error.form_unavailable") with { Locale = reply.Locale };
        await replies.DirectAsync(team, user, renderer.Ack(reply), CancellationToken.None);
    }

    private async Task ReplyWhenDoneAsync(Task<Reply> work, InteractionPayload p, string channel)
    {
        var reply = await work;
        var body = renderer.Ack(reply);
        body["replace_original"] = false;
        await replies.EnqueueAsync(p.TeamId!, channel, p.User!.Id, p.ResponseUrl, body, CancellationToken.None);
    }

    /// <summary>Overflow values are "verb:itemId"; only the menu's own verbs are accepted.</summary>
    private async Task<string?> MenuCommandAsync(string? value, Workspace workspace, CancellationToken ct)
    {
        var parts = value?.Split(':', 2);
        if (parts is not { Length: 2 } || !SlackRenderer.MenuVerbs.Contains(parts[0])) return null;
        return await VerbOnItemAsync(parts[0], parts[1], workspace, ct);
    }

    /// <summary>Nudge buttons: "update:id" records progress (keeps the claim alive), "release:id", "done:id".</summary>
    private async Task<string?> NudgeCommandAsync(string? value, Workspace workspace, string locale, CancellationToken ct)
    {
        var parts = value?.Split(':', 2);
        if (parts is not { Length: 2 } || parts[0] is not ("update" or "release" or "done")) return null;
        var command = await VerbOnItemAsync(parts[0], parts[1], workspace, ct);
        return command is not null && parts[0] == "update" ? $"{command} \"{SlackText.ToPlain(renderer.T(locale, "nudge.still_note"))}\"" : command;
    }

    private async Task<string?> VerbOnItemAsync(string verb, string? value, Workspace workspace, CancellationToken ct) =>
        await ItemOfAsync(value, workspace, ct) is { } item ? $"{verb} {item.Ref}" : null;

    /// <summary>Button values carry the internal id; the item must belong to the clicking workspace.</summary>
    private async Task<Item?> ItemOfAsync(string? value, Workspace workspace, CancellationToken ct)
    {
        if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id)) return null;
        var item = await items.GetAsync(id, ct);
        return item?.WorkspaceId == workspace.Id ? item : null;
    }
}

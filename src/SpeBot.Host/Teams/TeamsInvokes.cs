using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SpeBot.Core;
using SpeBot.Core.Commands;
using SpeBot.Core.Events;
using SpeBot.Core.Items;
using SpeBot.Core.Oncall;
using SpeBot.Core.Retro;
using SpeBot.Core.Storage;
using SpeBot.Core.Workspaces;

namespace SpeBot.Host.Teams;

/// <summary>An invoke's answer: the HTTP status and the JSON body Teams shows (a card, a toast, a dialog).</summary>
public sealed record InvokeAnswer(int Status, JsonObject? Body)
{
    public static InvokeAnswer Ok(JsonObject body) => new(200, body);
    public static readonly InvokeAnswer NotImplemented = new(501, null);

    public static InvokeAnswer Card(JsonObject card) => Ok(new JsonObject
    {
        ["statusCode"] = 200, ["type"] = "application/vnd.microsoft.card.adaptive", ["value"] = card,
    });

    public static InvokeAnswer Toast(string text) => Ok(new JsonObject
    {
        ["statusCode"] = 200, ["type"] = "application/vnd.microsoft.activity.message", ["value"] = text,
    });

    public static InvokeAnswer Error(string code, string message) => new(400, new JsonObject
    {
        ["statusCode"] = 400, ["type"] = "application/vnd.microsoft.error", ["value"] = new JsonObject { ["code"] = code, ["message"] = message },
    });

    /// <summary>Closes a message-extension dialog with a short message.</summary>
    public static InvokeAnswer TaskMessage(string text) => Ok(new JsonObject { ["task"] = new JsonObject { ["type"] = "message", ["value"] = text } });
}

/// <summary>
/// Card buttons (adaptiveCard/action), the message action (composeExtension/fetchTask, submitAction) and the proposal
/// form that a "propose" answer's button opens (task/fetch, task/submit).
/// Each is idempotent under Teams' retries: votes by the invoke's activity id, captures by the source message.
/// </summary>
public sealed class TeamsInvokes(
    Votes votes, Lifecycle lifecycle, Proposals proposals, ItemStore items, ItemQueries queries, WorkspaceStore workspaces,
    CommandRouter router, TeamsRenderer renderer, TeamsForms forms, RetroPolls polls, TeamsPoll poll, Handoffs handoffs, Database db, Inbox inbox,
    TeamsHome home, TeamsExport export)
{
    public async Task<InvokeAnswer> HandleAsync(Activity a, Workspace workspace, CancellationToken ct)
    {
        var user = a.From!.PersonId!;
        var locale = await workspaces.LocaleForAsync(workspace, user, a.Locale, ct);
        return a.Name switch
        {
            "adaptiveCard/action" => await CardActionAsync(a, workspace, user, locale, ct),
            "composeExtension/fetchTask" => FetchTask(a, locale),
            "composeExtension/submitAction" => await SubmitActionAsync(a, workspace, user, locale, ct),
            "task/fetch" => TaskFetch(a, locale),
            "task/submit" => await TaskSubmitAsync(a, workspace, user, locale, ct),
            "fileConsent/invoke" => await export.ConsentAsync(a, workspace, user, locale, ct),
            _ => InvokeAnswer.NotImplemented,
        };
    }

    private async Task<InvokeAnswer> CardActionAsync(Activity a, Workspace workspace, string user, string locale, CancellationToken ct)
    {
        if (a.Value is not { ValueKind: JsonValueKind.Object } v || !v.TryGetProperty("action", out var action) || action.ValueKind != JsonValueKind.Object
            || Str(action, "type") != "Action.Execute")
            return InvokeAnswer.Error("BadRequest", "Expected an Action.Execute action.");
        var verb = Str(action, "verb");
        var data = action.TryGetProperty("data", out var d) ? d : default;
        if (verb == TeamsPoll.VoteVerb) return await PollVoteAsync(a, data, workspace, user, locale, ct);
        if (verb == TeamsHandoff.AckVerb) return await HandoffAckAsync(data, workspace, user, locale, ct);
        if (verb == TeamsNudge.Verb) return await NudgeAsync(a, data, workspace, user, locale, ct);
        var item = await ItemOfAsync(data.ValueKind == JsonValueKind.Object ? Str(data, "itemId") : null, workspace, ct);
        var style = renderer.NewStyle();
        if (item is null) return InvokeAnswer.Toast(renderer.T(locale, new Message("teams.item_gone"), style));
        var channel = a.Conversation?.Id is { } c ? ServiceUrls.BaseConversation(c) : null;
        var cardLocale = workspaces.ChannelLocale(workspace, a.Locale);

        // A button on the home card (TeamsHome) answers with the home card refreshed, not with the item's card.
        var fromHome = data.ValueKind == JsonValueKind.Object && Str(data, "view") == TeamsHome.View;
        switch (verb)
        {
            case TeamsRenderer.VoteVerb:
                var (after, _) = await votes.ToggleAsync(Platform.Teams, item.Id, user, channel, ct, eventKey: $"invoke:{a.Id}");
                if (fromHome) return InvokeAnswer.Card(await home.CardAsync(workspace, user, a.Locale, ct));
                return InvokeAnswer.Card(renderer.ItemCard(queries.View(after), cardLocale));
            case TeamsRenderer.ClaimVerb:
                await lifecycle.ClaimAsync(new Actor(Platform.Teams, workspace.Id, user, channel), item.Number, ct);
                if (fromHome) return InvokeAnswer.Card(await home.CardAsync(workspace, user, a.Locale, ct));
                return InvokeAnswer.Card(renderer.ItemCard(queries.View(await items.GetAsync(item.Id, ct) ?? item), cardLocale));
            case TeamsRenderer.DetailsVerb:
                var reply = await router.DispatchAsync(new ChatCommand(Platform.Teams, workspace.ExternalId, channel ?? "", user, $"show {item.Ref}", a.Locale), ct);
                var text = string.Join("\n", reply.Lines.Select(l => renderer.T(reply.Locale ?? locale, l, style)));
                return InvokeAnswer.Toast(TeamsMapper.HtmlToPlain(text.Replace("\n", "<br>", StringComparison.Ordinal)));
            default:
                return InvokeAnswer.Error("BadRequest", "Unknown verb.");
        }
    }

    /// <summary>
    /// A retro vote: the same Core vote as Slack's button, keyed by the invoke's activity id so a retry changes nothing;
    /// the answer is the refreshed poll card (voter count only while open), the same card the coalesced poll_update sends.
    /// </summary>
    private async Task<InvokeAnswer> PollVoteAsync(Activity a, JsonElement data, Workspace workspace, string user, string locale, CancellationToken ct)
    {
        var style = renderer.NewStyle();
        if (data.ValueKind != JsonValueKind.Object
            || !long.TryParse(Str(data, "poll"), NumberStyles.None, CultureInfo.InvariantCulture, out var pollId)
            || Str(data, "question") is not { } question || Str(data, "option") is not { } option)
            return InvokeAnswer.Toast(renderer.T(locale, new Message("retro.vote_invalid"), style));
        var outcome = await polls.VoteAsync(Platform.Teams, workspace.Id, pollId, question, option, user, ct, eventKey: $"invoke:{a.Id}");
        if (outcome == VoteOutcome.Invalid || await polls.ViewAsync(pollId, ct) is not { } view || view.Poll.WorkspaceId != workspace.Id)
            return InvokeAnswer.Toast(renderer.T(locale, new Message("retro.vote_invalid"), style));
        return InvokeAnswer.Card(await poll.CardAsync(view, workspaces.ChannelLocale(workspace, a.Locale), ct));
    }

    /// <summary>Ack on the handoff DM: the same Core ack as Slack's button (a retry finds it acked); the answer replaces the button.</summary>
    private async Task<InvokeAnswer> HandoffAckAsync(JsonElement data, Workspace workspace, string user, string locale, CancellationToken ct)
    {
        var style = renderer.NewStyle();
        long id = 0;
        var outcome = data.ValueKind == JsonValueKind.Object
                      && long.TryParse(Str(data, "handoff"), NumberStyles.None, CultureInfo.InvariantCulture, out id)
            ? await handoffs.AckAsync(workspace.Id, id, user, ct) : AckOutcome.NotFound;
        if (outcome is AckOutcome.Acked or AckOutcome.AlreadyAcked && await handoffs.GetAsync(id, ct) is { } h)
            return InvokeAnswer.Card(TeamsHandoff.DirectCard(renderer, h, locale, reminder: false, outcome));
        return InvokeAnswer.Toast(renderer.T(locale, new Message(outcome == AckOutcome.NotYours ? "handoff.not_yours" : "handoff.not_found"), style));
    }

    /// <summary>
    /// Nudge buttons: "update" records progress (keeps the claim alive), "release", "done", each as the same command Slack's
    /// nudge buttons dispatch. Applied once per invoke activity id; a retry only says it was handled.
    /// </summary>
    private async Task<InvokeAnswer> NudgeAsync(Activity a, JsonElement data, Workspace workspace, string user, string locale, CancellationToken ct)
    {
        var style = renderer.NewStyle();
        var op = data.ValueKind == JsonValueKind.Object ? Str(data, "op") : null;
        var item = await ItemOfAsync(data.ValueKind == JsonValueKind.Object ? Str(data, "itemId") : null, workspace, ct);
        if (item is null || op is null || !TeamsNudge.Ops.Contains(op)) return InvokeAnswer.Toast(renderer.T(locale, new Message("teams.item_gone"), style));
        if (!await db.WriteAsync((c, tx) => inbox.TryRecordAsync(c, tx, Platform.Teams, $"invoke:{a.Id}", ct), ct))
            return InvokeAnswer.Toast(renderer.T(locale, new Message("teams.nudge.handled"), style));
        var command = op == "update" ? $"update {item.Ref} \"{renderer.T(locale, new Message("nudge.still_note"), style)}\"" : $"{op} {item.Ref}";
        var channel = a.Conversation?.Id is { } c ? ServiceUrls.BaseConversation(c) : "";
        var reply = await router.DispatchAsync(new ChatCommand(Platform.Teams, workspace.ExternalId, channel, user, command, a.Locale), ct);
        var text = string.Join("\n", reply.Lines.Select(l => renderer.T(reply.Locale ?? locale, l, style)));
        // The card is redrawn with this item's buttons gone and the answer on top, so nobody clicks a done claim again.
        var ids = Ids(Str(data, "items"));
        if (ids.Count == 0 || !int.TryParse(Str(data, "days"), NumberStyles.None, CultureInfo.InvariantCulture, out var days))
            return InvokeAnswer.Toast(TeamsMapper.HtmlToPlain(text.Replace("\n", "<br>", StringComparison.Ordinal)));
        var handled = Ids(Str(data, "handled")).Append(item.Id).ToHashSet();
        var claims = new List<Item>();
        foreach (var id in ids)
        {
            if (await items.GetAsync(id, ct) is { } shown && shown.WorkspaceId == workspace.Id
                && (handled.Contains(id) || (shown.State == ItemStatus.InProgress && shown.ClaimedBy == user)))
                claims.Add(shown);
        }
        // Plain and re-escaped: the answer's mentions have no entities on this card.
        return InvokeAnswer.Card(TeamsNudge.Card(renderer, claims, locale, days, handled, TeamsText.EscapeText(TeamsMapper.HtmlToPlain(text))));
    }

    private static List<long> Ids(string? list) =>
        [.. (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0).Where(id => id > 0)];

    private InvokeAnswer FetchTask(Activity a, string locale)
    {
        var (title, detail) = MessageSplit.Split(TeamsMapper.HtmlToPlain(MessageBody(a)));
        return InvokeAnswer.Ok(forms.FetchTaskResponse(title, detail, locale));
    }

    private async Task<InvokeAnswer> SubmitActionAsync(Activity a, Workspace workspace, string user, string locale, CancellationToken ct)
    {
        var style = renderer.NewStyle();
        if (a.Value is not { ValueKind: JsonValueKind.Object } v || a.Conversation?.Id is null)
            return InvokeAnswer.TaskMessage(renderer.T(locale, new Message("form.error.title_required"), style));
        var (title, detail, category) = TeamsForms.Read(v.TryGetProperty("data", out var data) ? data : null);
        var payload = v.TryGetProperty("messagePayload", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
        if (title is null && payload.ValueKind == JsonValueKind.Object) (title, detail) = MessageSplit.Split(TeamsMapper.HtmlToPlain(MessageBody(a)));
        if (string.IsNullOrEmpty(title)) return InvokeAnswer.TaskMessage(renderer.T(locale, new Message("form.error.title_required"), style));

        var channel = ServiceUrls.BaseConversation(a.Conversation.Id);
        SourceMessage? source = null;
        if (payload.ValueKind == JsonValueKind.Object && Str(payload, "id") is { } messageId)
        {
            var author = payload.TryGetProperty("from", out var f) && f.ValueKind == JsonValueKind.Object && f.TryGetProperty("user", out var u)
                         && u.ValueKind == JsonValueKind.Object ? Str(u, "id") : null;
            var link = Str(payload, "linkToMessage") is { } l && l.StartsWith("https://", StringComparison.Ordinal) ? l : null;
            source = new SourceMessage(channel, messageId, author, link, null);
        }
        // The source message's unique index makes a retried submit find the item the first attempt made.
        var (item, created) = await proposals.SubmitAsync(Platform.Teams, new NewItem(workspace.Id, title, "teams", user, category, detail,
            Source: source, ChannelId: channel), channel, ct);
        var key = created || item.AuthorId == user ? "propose.created" : "propose.exists";
        return InvokeAnswer.TaskMessage(TeamsMapper.HtmlToPlain(renderer.T(locale, new Message(key, new() { ["ref"] = item.Ref, ["title"] = item.Title }), style)));
    }

    /// <summary>The proposal button of a "propose" answer (TeamsRenderer.ProposePrompt) opens the form, hints kept.</summary>
    private InvokeAnswer TaskFetch(Activity a, string locale)
    {
        var data = a.Value is { ValueKind: JsonValueKind.Object } v && v.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Object ? d : default;
        if (data.ValueKind != JsonValueKind.Object || Str(data, "spe") != TeamsForms.ProposeTask)
            return InvokeAnswer.Error("BadRequest", "Expected the proposal form button.");
        var category = Category.TryNormalize(Str(data, "category"), out var c) ? c : Category.Other;
        return InvokeAnswer.Ok(forms.FetchTaskResponse("", null, locale, category, fromMessage: false));
    }

    /// <summary>The submitted proposal form: stored once per invoke, so a retried submit adds no second item.</summary>
    private async Task<InvokeAnswer> TaskSubmitAsync(Activity a, Workspace workspace, string user, string locale, CancellationToken ct)
    {
        var style = renderer.NewStyle();
        var (title, detail, category) = TeamsForms.Read(a.Value is { ValueKind: JsonValueKind.Object } v && v.TryGetProperty("data", out var d) ? d : null);
        if (string.IsNullOrEmpty(title) || a.Conversation?.Id is null || a.Id is null)
            return InvokeAnswer.TaskMessage(renderer.T(locale, new Message("form.error.title_required"), style));
        var channel = ServiceUrls.BaseConversation(a.Conversation.Id);
        var result = await proposals.SubmitOnceAsync(Platform.Teams, new NewItem(workspace.Id, title, "teams", user, category, detail, ChannelId: channel),
            channel, $"invoke:{a.Id}", ct);
        if (result is not { Item: var item }) return InvokeAnswer.TaskMessage(renderer.T(locale, new Message("teams.form.already_submitted"), style));
        return InvokeAnswer.TaskMessage(TeamsMapper.HtmlToPlain(renderer.T(locale, new Message("propose.created", new() { ["ref"] = item.Ref, ["title"] = item.Title }), style)));
    }

    private static string? MessageBody(Activity a) =>
        a.Value is { ValueKind: JsonValueKind.Object } v && v.TryGetProperty("messagePayload", out var p) && p.ValueKind == JsonValueKind.Object
        && p.TryGetProperty("body", out var b) && b.ValueKind == JsonValueKind.Object ? Str(b, "content") : null;

    /// <summary>Button data carries the internal id; the item must belong to the clicking tenant.</summary>
    private async Task<Item?> ItemOfAsync(string? value, Workspace workspace, CancellationToken ct)
    {
        if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id)) return null;
        var item = await items.GetAsync(id, ct);
        return item?.WorkspaceId == workspace.Id ? item : null;
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}

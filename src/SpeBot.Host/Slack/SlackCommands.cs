using Microsoft.Extensions.Options;
using SpeBot.Core;
using SpeBot.Core.Commands;

namespace SpeBot.Host.Slack;

/// <summary>Slash commands: the handler's reply is the ack; a form opens with the trigger inside the same 3 s.</summary>
public sealed class SlackCommands(
    CommandRouter router, SlackRenderer renderer, SlackForms forms, SlackEvidenceForm evidenceForm, SlackWebApi api, AckBudget budget, LateWork late,
    SlackReplies replies, SpeBot.Core.Workspaces.WorkspaceStore workspaces, IOptions<SlackOptions> slack, IOptions<SpeBotOptions> spebot, ILogger<SlackCommands> log)
{
    public async Task<IResult> HandleAsync(Dictionary<string, string> form, CancellationToken ct)
    {
        var team = form.GetValueOrDefault("team_id");
        var channel = form.GetValueOrDefault("channel_id");
        var user = form.GetValueOrDefault("user_id");
        if (string.IsNullOrEmpty(team) || string.IsNullOrEmpty(channel) || string.IsNullOrEmpty(user)) return Results.BadRequest();
        var slash = new SlashCommand(team, channel, user, form["command"], form.GetValueOrDefault("text") ?? "",
            form.GetValueOrDefault("response_url"), form.GetValueOrDefault("trigger_id"), form.GetValueOrDefault("api_app_id"));
        var command = new ChatCommand(Platform.Slack, team, channel, user, SlackText.CommandToNeutral(slash.Text),
            CanOpenForms: !string.IsNullOrEmpty(slash.TriggerId));

        var (inTime, work) = await budget.RunAsync(t => router.DispatchAsync(command, t), TimeSpan.FromMilliseconds(slack.Value.AckBudgetMs));
        if (!inTime)
        {
            late.Track(FinishLateAsync(work, slash));
            return Results.Json(renderer.Ack(Reply.Text("ack.working") with { Locale = await LocaleAsync(slash, ct) }));
        }

        var reply = await work;
        if (!reply.NeedsForm) return Results.Json(renderer.Ack(reply));
        if (slash.TriggerId is null) return Results.Json(renderer.Ack(Reply.Text("error.form_unavailable") with { Locale = reply.Locale }));
        try
        {
            var view = reply.Form is not null
                ? forms.Modal(reply.Form, reply.Locale ?? "en", channel)
                : evidenceForm.Modal(reply.Evidence!, reply.Locale ?? "en", channel);
            await api.OpenViewAsync(slash.TriggerId, view, ct);
            return Results.Ok();
        }
        catch (Exception e) when (e is SlackApiException or SlackTransportException or SlackRateLimitedException)
        {
            log.LogWarning("views.open failed for /spe: {Error}", e.Message);
            return Results.Json(renderer.Ack(Reply.Text("error.form_unavailable") with { Locale = reply.Locale }));
        }
    }

    /// <summary>The reader's locale for the "working on it" ack; the default if even that read is slow to fail.</summary>
    private async Task<string> LocaleAsync(SlashCommand slash, CancellationToken ct)
    {
        try
        {
            return (await workspaces.ContextAsync(Platform.Slack, slash.TeamId, slash.UserId, null, ct)).Locale;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return spebot.Value.DefaultLocale;
        }
    }

    private async Task FinishLateAsync(Task<Reply> work, SlashCommand slash)
    {
        Reply reply;
        try
        {
            reply = await work;
        }
        catch (Exception e)
        {
            // The ack promised an answer; a failure still gets one.
            log.LogError(e, "A /spe command failed after its ack");
            reply = Reply.Text("error.busy") with { Locale = spebot.Value.DefaultLocale };
        }
        // The trigger has expired by now, so a form can no longer open.
        if (reply.NeedsForm) reply = Reply.Text("error.form_unavailable") with { Locale = reply.Locale };
        await replies.EnqueueAsync(slash.TeamId, slash.ChannelId, slash.UserId, slash.ResponseUrl, renderer.Ack(reply), CancellationToken.None);
    }
}

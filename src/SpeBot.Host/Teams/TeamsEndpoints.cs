using System.Text.Json;
using Microsoft.Extensions.Options;
using SpeBot.Core;
using SpeBot.Core.Workspaces;

namespace SpeBot.Host.Teams;

/// <summary>
/// The Bot Framework messaging endpoint, in the few steps botbuilder takes: read (capped) → parse → 400 without
/// type → authenticate (401/403) → remember the conversation → handle; invokes answer in the body within budget.
/// </summary>
public static partial class TeamsEndpoints
{
    public static IEndpointRouteBuilder MapTeams(this IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetService<TeamsActivities>() is null) return app;
        app.MapPost("/api/messages", HandleAsync);
        return app;
    }

    private static async Task<IResult> HandleAsync(HttpContext http, IOptions<TeamsOptions> options, BotFrameworkAuth auth,
        WorkspaceStore workspaces, ConversationReferences references, TeamsPeople people, TeamsActivities activities, TeamsInvokes invokes,
        TimeProvider clock, SpeBot.Core.Text.MessageCatalog catalog, ILoggerFactory logs)
    {
        var log = logs.CreateLogger("SpeBot.Host.Teams");
        var o = options.Value;
        var body = await RequestBody.ReadAsync(http.Request, o.MaxBodyBytes, http.RequestAborted);
        if (body is null) return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        Activity? activity;
        try
        {
            activity = JsonSerializer.Deserialize<Activity>(body, BotJson.Options);
        }
        catch (JsonException)
        {
            return Results.BadRequest();
        }
        if (activity?.Type is null) return Results.BadRequest();

        var check = await auth.ValidateAsync(http.Request.Headers.Authorization.FirstOrDefault(), activity, http.RequestAborted);
        if (check == AuthResult.Forbidden) return Results.StatusCode(StatusCodes.Status403Forbidden);
        if (check != AuthResult.Valid) return Results.StatusCode(StatusCodes.Status401Unauthorized);

        if (activity.TenantId is not { Length: > 0 } tenant || activity.From?.PersonId is null)
            return activity.Type == "invoke" ? Results.StatusCode(StatusCodes.Status501NotImplemented) : Results.Ok();
        var workspace = await workspaces.EnsureAsync(Platform.Teams, tenant, http.RequestAborted);
        // Only now is serviceUrl trusted: every check above passed.
        if (ConversationReferences.Of(activity) is { } reference) await references.SaveAsync(workspace.Id, reference, http.RequestAborted);
        people.Remember(activity.From);
        people.RememberZone(activity.From.PersonId, activity.Entities);

        if (activity.Type != "invoke")
        {
            await activities.HandleAsync(activity, workspace, http.RequestAborted);
            return Results.Ok();
        }
        var work = invokes.HandleAsync(activity, workspace, CancellationToken.None);
        var done = await Task.WhenAny(work, Task.Delay(TimeSpan.FromMilliseconds(o.InvokeBudgetMs), clock));
        if (done != work)
        {
            // Teams ignores a late answer; the work still completes (it is idempotent), and a retry finds its result.
            LogSlowInvoke(log, activity.Name);
            _ = work.ContinueWith(t => LogInvokeFailed(log, t.Exception!, activity.Name), TaskContinuationOptions.OnlyOnFaulted);
            var toast = InvokeAnswer.Toast(catalog.Template(activity.Locale ?? SpeBot.Core.Text.MessageCatalog.Fallback, "ack.working")).Body!;
            return Results.Text(BotJson.Serialize(toast), "application/json", System.Text.Encoding.UTF8, StatusCodes.Status200OK);
        }
        var answer = await work;
        return answer.Body is null ? Results.StatusCode(answer.Status)
            : Results.Text(BotJson.Serialize(answer.Body), "application/json", System.Text.Encoding.UTF8, answer.Status);
    }
    [LoggerMessage(Level = LogLevel.Warning, Message = "Teams invoke {Name} missed its budget; answered early")]
    private static partial void LogSlowInvoke(ILogger log, string? name);

    [LoggerMessage(Level = LogLevel.Error, Message = "Teams invoke {Name} failed after its answer")]
    private static partial void LogInvokeFailed(ILogger log, Exception e, string? name);
}

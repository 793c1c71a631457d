using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace SpeBot.Host.Slack;

/// <summary>
/// One request URL for slash commands, interactivity and the Events API, as Bolt does:
/// read the raw body once → verify → dispatch by shape → answer within Slack's 3 s.
/// </summary>
public static partial class SlackEndpoints
{
    public static IEndpointRouteBuilder MapSlack(this IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetService<SlackCommands>() is null) return app;
        app.MapPost("/slack/events", HandleAsync);
        return app;
    }

    private static async Task<IResult> HandleAsync(HttpContext http, IOptions<SlackOptions> options, TimeProvider clock,
        SlackCommands commands, SlackInteractions interactions, SlackEvents events, ILoggerFactory logs)
    {
        var log = logs.CreateLogger("SpeBot.Host.Slack");
        var o = options.Value;
        var body = await RequestBody.ReadAsync(http.Request, o.MaxBodyBytes, http.RequestAborted);
        if (body is null) return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);

        var mediaType = MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var mt) ? mt.MediaType.Value?.ToLowerInvariant() : null;
        Dictionary<string, string>? form = null;
        var repeated = false;
        if (mediaType == "application/x-www-form-urlencoded")
        {
            var fields = new FormReader(Encoding.UTF8.GetString(body)).ReadForm();
            // Slack sends each field once; a repeated one would join into "T0001,T0002", so it is refused, not guessed at.
            repeated = fields.Any(p => p.Value.Count > 1);
            form = fields.ToDictionary(p => p.Key, p => p.Value.ToString());
            // Slack's certificate check carries no signature worth trusting and asks for no work.
            if (form.GetValueOrDefault("ssl_check") == "1") return Results.Ok();
        }

        var check = SlackSignature.Check(body, http.Request.Headers["X-Slack-Request-Timestamp"], http.Request.Headers["X-Slack-Signature"],
            o.SigningSecret, clock.GetUtcNow());
        if (check != SignatureCheck.Valid)
        {
            LogRejected(log, check);
            return Results.StatusCode(StatusCodes.Status401Unauthorized);
        }

        if (repeated)
        {
            LogRepeatedField(log);
            return Results.BadRequest();
        }

        var retry = http.Request.Headers["X-Slack-Retry-Num"].ToString();
        if (retry.Length > 0) LogRetry(log, retry, http.Request.Headers["X-Slack-Retry-Reason"].ToString());

        try
        {
            if (form is not null)
            {
                if (form.TryGetValue("payload", out var payload)) return await interactions.HandleAsync(payload, http.RequestAborted);
                if (form.ContainsKey("command")) return await commands.HandleAsync(form, http.RequestAborted);
                return Results.BadRequest();
            }
            if (mediaType == "application/json") return await events.HandleAsync(body, http.RequestAborted);
            return Results.BadRequest();
        }
        catch (JsonException)
        {
            LogMalformed(log);
            return Results.BadRequest();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack request rejected: signature {Reason}")]
    private static partial void LogRejected(ILogger log, SignatureCheck reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Slack retry {RetryNum} ({Reason})")]
    private static partial void LogRetry(ILogger log, string retryNum, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack request refused (400): a form field was repeated")]
    private static partial void LogRepeatedField(ILogger log);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack request had a malformed JSON payload")]
    private static partial void LogMalformed(ILogger log);
}

using Microsoft.Extensions.Options;

namespace SpeBot.Host.Slack;

/// <summary>
/// One request URL for slash commands, interactivity and the Events API, as Bolt does:
/// read the raw body once → verify → <see cref="SlackDispatcher"/> → answer within Slack's 3 s.
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
        SlackDispatcher dispatcher, ILoggerFactory logs)
    {
        var log = logs.CreateLogger("SpeBot.Host.Slack");
        var o = options.Value;
        var body = await RequestBody.ReadAsync(http.Request, o.MaxBodyBytes, http.RequestAborted);
        if (body is null) return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);

        var request = SlackRequest.Parse(body, http.Request.ContentType);
        if (request.IsSslCheck) return SlackAck.Empty;

        // With only an app token (Socket Mode) the secret is empty and every HTTP request is refused: fail closed.
        var check = SlackSignature.Check(body, http.Request.Headers["X-Slack-Request-Timestamp"], http.Request.Headers["X-Slack-Signature"],
            o.SigningSecret, clock.GetUtcNow());
        if (check != SignatureCheck.Valid)
        {
            LogRejected(log, check);
            return Results.StatusCode(StatusCodes.Status401Unauthorized);
        }

        var retryNum = http.Request.Headers["X-Slack-Retry-Num"].ToString();
        var retry = retryNum.Length > 0
            ? new SlackRetry(int.TryParse(retryNum, out var n) ? n : 0, http.Request.Headers["X-Slack-Retry-Reason"].ToString(), "http")
            : null;
        return await dispatcher.DispatchAsync(request, retry, http.RequestAborted);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack request rejected: signature {Reason}")]
    private static partial void LogRejected(ILogger log, SignatureCheck reason);
}

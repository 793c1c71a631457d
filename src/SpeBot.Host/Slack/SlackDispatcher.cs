using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace SpeBot.Host.Slack;

/// <summary>
/// Every Slack payload, whatever carried it: the HTTP endpoint hands it over after checking the signature, Socket Mode
/// (whose frames are not signed) re-encodes each envelope's payload as the body Slack would have POSTed. Both get the
/// same <see cref="SlackAck"/>, so a feature behaves alike on either transport.
/// </summary>
public sealed partial class SlackDispatcher(
    SlackCommands commands, SlackInteractions interactions, SlackEvents events, IServiceProvider services, ILogger<SlackDispatcher> log)
{
    public async Task<SlackAck> DispatchAsync(SlackRequest request, SlackRetry? retry, CancellationToken ct)
    {
        if (request.IsSslCheck) return SlackAck.Empty;
        if (request.HasRepeatedField)
        {
            LogRepeatedField();
            return await SlackAck.FromResultAsync(Results.BadRequest(), services);
        }
        if (retry is not null) LogRetry(retry.Num, retry.Reason ?? "", retry.Transport);
        IResult result;
        try
        {
            if (request.Form is { } form)
            {
                if (form.TryGetValue("payload", out var payload)) result = await interactions.HandleAsync(payload, ct);
                else if (form.ContainsKey("command")) result = await commands.HandleAsync(form, ct);
                else result = Results.BadRequest();
            }
            else if (request.MediaType == "application/json") result = await events.HandleAsync(request.Body, ct);
            else result = Results.BadRequest();
        }
        catch (JsonException)
        {
            LogMalformed();
            result = Results.BadRequest();
        }
        return await SlackAck.FromResultAsync(result, services);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Slack retry {RetryNum} ({Reason}) over {Transport}")]
    private partial void LogRetry(int retryNum, string reason, string transport);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack request had a malformed JSON payload")]
    private partial void LogMalformed();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack request refused (400): a form field was repeated")]
    private partial void LogRepeatedField();
}

/// <summary>A redelivery: X-Slack-Retry-Num/-Reason over HTTP, retry_attempt/retry_reason on a Socket Mode envelope.</summary>
public sealed record SlackRetry(int Num, string? Reason, string Transport);

/// <summary>A Slack payload as bytes plus its media type (parameters stripped), with the form read once when it is one.</summary>
public sealed class SlackRequest
{
    private SlackRequest(byte[] body, string? mediaType, Dictionary<string, string>? form, bool hasRepeatedField)
    {
        Body = body;
        MediaType = mediaType;
        Form = form;
        HasRepeatedField = hasRepeatedField;
    }

    public byte[] Body { get; }
    public string? MediaType { get; }
    public Dictionary<string, string>? Form { get; }

    /// <summary>Slack sends each field once; a repeated one would join into "T0001,T0002", so it is refused, not guessed at.</summary>
    public bool HasRepeatedField { get; }

    /// <summary>Slack's certificate check carries no signature worth trusting and asks for no work.</summary>
    public bool IsSslCheck => Form?.GetValueOrDefault("ssl_check") == "1";

    /// <summary>Media types compare without parameters: "application/json; charset=utf-8" is JSON.</summary>
    public static SlackRequest Parse(byte[] body, string? contentType)
    {
        var mediaType = MediaTypeHeaderValue.TryParse(contentType, out var mt) ? mt.MediaType.Value?.ToLowerInvariant() : null;
        Dictionary<string, StringValues>? fields = null;
        if (mediaType == "application/x-www-form-urlencoded")
        {
            // Disposed: the reader rents a 16 KB buffer from the shared pool, and one never given back is a new array
            // for every request (most of what a slash command allocated, measured with dotnet-trace).
            using var reader = new FormReader(Encoding.UTF8.GetString(body));
            fields = reader.ReadForm();
        }
        return new SlackRequest(body, mediaType, fields?.ToDictionary(p => p.Key, p => p.Value.ToString()),
            fields?.Any(p => p.Value.Count > 1) ?? false);
    }
}

/// <summary>
/// The answer to one Slack payload: status, content type and body bytes. Over HTTP it is the response; over Socket Mode
/// a 2xx body becomes the ack's payload.
/// </summary>
public sealed record SlackAck(int Status, string? ContentType, byte[] Body) : IResult
{
    public static readonly SlackAck Empty = new(StatusCodes.Status200OK, null, []);

    public bool IsSuccess => Status is >= 200 and < 300;

    /// <summary>
    /// Runs a handler's result against an in-memory response, so the bytes are the ones ASP.NET Core would send
    /// (same JSON options, same status) whichever transport carries them.
    /// </summary>
    public static async Task<SlackAck> FromResultAsync(IResult result, IServiceProvider services)
    {
        if (result is SlackAck ack) return ack;
        // Bodiless answers (most events, empty acks) skip the in-memory response: they are just a status.
        if (result is IStatusCodeHttpResult { StatusCode: { } status } and not IValueHttpResult and not IContentTypeHttpResult)
            return status == StatusCodes.Status200OK ? Empty : new SlackAck(status, null, []);
        var http = new DefaultHttpContext { RequestServices = services };
        using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        await result.ExecuteAsync(http);
        return new SlackAck(http.Response.StatusCode, http.Response.ContentType, buffer.ToArray());
    }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = Status;
        if (ContentType is not null) httpContext.Response.ContentType = ContentType;
        if (Body.Length > 0)
        {
            httpContext.Response.ContentLength = Body.Length;
            await httpContext.Response.Body.WriteAsync(Body, httpContext.RequestAborted);
        }
    }
}

using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using SpeBot.Host.Slack;

namespace SpeBot.Tests.Support;

/// <summary>
/// Holds what SpeBot answers on /slack/events to the same rules as its Web API calls: a slash command's ack with text or
/// blocks (https://docs.slack.dev/interactivity/implementing-slash-commands) and a view_submission answer
/// (https://docs.slack.dev/surfaces/modals) reach Slack as the HTTP response, not as a call, so the double never sees
/// them. A refusal is recorded in the <see cref="FakeSlackApi"/>, which fails the test on dispose.
/// </summary>
internal sealed class StrictSlackAcks(FakeSlackApi slack) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (http, nextMiddleware) =>
        {
            if (!HttpMethods.IsPost(http.Request.Method) || http.Request.Path != "/slack/events")
            {
                await nextMiddleware(http);
                return;
            }
            http.Request.EnableBuffering();
            var request = await new StreamReader(http.Request.Body, Encoding.UTF8, leaveOpen: true).ReadToEndAsync();
            http.Request.Body.Position = 0;
            var original = http.Response.Body;
            using var buffer = new MemoryStream();
            http.Response.Body = buffer;
            try
            {
                await nextMiddleware(http);
            }
            finally
            {
                http.Response.Body = original;
                buffer.Position = 0;
                await buffer.CopyToAsync(original);
            }
            Check(request, http.Response.ContentType, buffer.ToArray());
        });
        next(app);
    };

    private void Check(string request, string? contentType, byte[] response)
    {
        if (response.Length == 0 || contentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) != true) return;
        if (JsonNode.Parse(response) is not JsonObject answer) return;
        string? kind = null;
        if (!request.TrimStart().StartsWith('{'))
        {
            var form = new FormReader(request).ReadForm();
            if (form.ContainsKey("command")) kind = BlockKitRules.CommandAck;
            else if (form.TryGetValue("payload", out var payload)
                     && JsonNode.Parse(payload.ToString())?["type"]?.ToString() == "view_submission")
                kind = BlockKitRules.ViewSubmissionAnswer;
        }
        if (kind is not null && BlockKitRules.Check(kind, answer) is { } error) slack.Reject(kind, error, answer);
    }
}

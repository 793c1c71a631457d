using System.Text.Json;
using Microsoft.Extensions.Options;
using SpeBot.Core.Discovery;

namespace SpeBot.Host.GitHub;

/// <summary>
/// <c>POST /github/webhook</c>: verify the signature over the raw body, take each delivery once, answer ping, and hand
/// pull_request and issues events to the core's GitHub source. Mapped only when GitHub:WebhookSecret is set.
/// </summary>
public static partial class GitHubEndpoints
{
    public static WebApplication MapGitHub(this WebApplication app)
    {
        if (string.IsNullOrEmpty(app.Services.GetRequiredService<IOptions<GitHubOptions>>().Value.WebhookSecret)) return app;
        app.MapPost("/github/webhook", HandleAsync);
        return app;
    }

    private static async Task<IResult> HandleAsync(HttpRequest request, IOptions<GitHubOptions> options, Deliveries deliveries,
                                                   GitHubDiscovery github, ILoggerFactory logs, CancellationToken ct)
    {
        var log = logs.CreateLogger(typeof(GitHubEndpoints).FullName!);
        var o = options.Value;
        var body = await SpeBot.Host.RequestBody.ReadAsync(request, o.MaxBodyBytes, ct);
        if (body is null) return TypedResults.StatusCode(StatusCodes.Status413PayloadTooLarge);
        if (!GitHubSignature.IsValid(o.WebhookSecret!, body, request.Headers["X-Hub-Signature-256"].FirstOrDefault()))
        {
            LogRejected(log);
            return TypedResults.Unauthorized();
        }
        var kind = request.Headers["X-GitHub-Event"].FirstOrDefault();
        var delivery = request.Headers["X-GitHub-Delivery"].FirstOrDefault();
        if (string.IsNullOrEmpty(kind) || string.IsNullOrEmpty(delivery) || delivery.Length > 100)
            return TypedResults.BadRequest(new Answer("X-GitHub-Event and X-GitHub-Delivery are required"));
        if (kind == "ping") return TypedResults.Ok(new Answer("pong"));

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return TypedResults.BadRequest(new Answer("the body is not JSON"));
        }
        using (doc)
        {
            object? signal = kind switch
            {
                "pull_request" => GitHubPayloads.PullRequest(doc.RootElement),
                "issues" => GitHubPayloads.Issue(doc.RootElement),
                _ => null,
            };
            if (kind is not ("pull_request" or "issues")) return TypedResults.Ok(new Answer("ignored"));
            if (signal is null) return TypedResults.BadRequest(new Answer($"the {kind} payload lacks a field SpeBot reads"));
            if (!await deliveries.TryRecordAsync(delivery, ct)) return TypedResults.Ok(new Answer("duplicate"));
            try
            {
                var outcome = signal is PullRequestSignal pr ? await github.PullRequestAsync(pr, ct) : await github.IssueAsync((IssueSignal)signal, ct);
                LogHandled(log, kind, delivery, outcome);
                return TypedResults.Ok(new Answer(outcome.ToString().ToLowerInvariant()));
            }
            catch (Exception)
            {
                // Not applied: let GitHub's redelivery through.
                await deliveries.ForgetAsync(delivery, CancellationToken.None);
                throw;
            }
        }
    }

    /// <summary>What the webhook did, for GitHub's "Recent Deliveries" view.</summary>
    internal sealed record Answer(string Outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "GitHub webhook signature rejected")]
    private static partial void LogRejected(ILogger log);

    [LoggerMessage(Level = LogLevel.Information, Message = "GitHub {Event} delivery {Delivery}: {Outcome}")]
    private static partial void LogHandled(ILogger log, string @event, string delivery, SignalOutcome outcome);
}

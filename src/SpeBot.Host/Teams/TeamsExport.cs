using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using SpeBot.Core;
using SpeBot.Core.Exports;
using SpeBot.Core.Outbox;
using SpeBot.Core.Storage;
using SpeBot.Core.Text;
using SpeBot.Core.Workspaces;

namespace SpeBot.Host.Teams;

/// <summary>
/// <c>export csv|json</c> the Teams way: a bot can hand a file only to one person, in the personal chat, after they
/// consent (learn.microsoft.com/microsoftteams/platform/bots/how-to/bots-filesv4). Three steps, each through the outbox:
/// 1. a file consent card in the asker's personal chat (from a channel too: the channel's answer says so);
/// 2. their Allow / Decline arrives as the <c>fileConsent/invoke</c> with an <c>uploadUrl</c> in their OneDrive;
/// 3. SpeBot PUTs the file there (no bot token: the URL carries its own authorisation) and sends a file info card.
/// The file is built again at upload time, so it holds the items as they are when the person accepts.
/// </summary>
public sealed partial class TeamsExport(
    HttpClient http, Exporter exporter, BotConnectorClient connector, ConversationReferences references, DirectChats direct, TeamsRenderer renderer,
    Database db, OutboxStore outbox, Notices notices, OutboxSignal signal, TimeProvider clock, ILogger<TeamsExport> log)
{
    public const string UploadKind = "export_upload";
    public const string ConsentType = "application/vnd.microsoft.teams.card.file.consent";
    public const string InfoType = "application/vnd.microsoft.teams.card.file.info";
    /// <summary>Marks SpeBot's own consent cards in acceptContext/declineContext, which Teams echoes in the invoke.</summary>
    public const string Purpose = "spe.export";

    /// <summary>Step 1: the consent card, in the personal chat the request came from or the asker's 1:1 chat with SpeBot.</summary>
    public async Task<SendResult> OfferAsync(OutboxRow row, OutboundBody body, ConversationReference asked, CancellationToken ct)
    {
        if (body.UserId is null) return new SendResult.Permanent("export without a requester");
        var format = Format(body.Key);
        var chat = asked.ConversationType == "personal" ? asked
            : await references.FindAsync(row.WorkspaceId, body.UserId, ct) ?? await direct.OpenAsync(row.WorkspaceId, body.UserId, ct);
        if (chat is null) return new SendResult.Permanent("no personal chat with the requester");
        var file = await exporter.BuildAsync(row.WorkspaceId, format, clock.GetUtcNow(), ct);
        var context = new JsonObject { ["spe"] = Purpose, ["format"] = format };
        var consent = new JsonObject
        {
            ["contentType"] = ConsentType,
            ["name"] = file.Name,
            ["content"] = new JsonObject
            {
                ["description"] = Text(body.Locale, "teams.export.consent", format),
                ["sizeInBytes"] = file.Content.Length,
                ["acceptContext"] = context.DeepClone(),
                ["declineContext"] = context.DeepClone(),
            },
        };
        var id = await connector.SendAsync(chat.ServiceUrl, chat.ConversationId, new JsonObject { ["type"] = "message", ["attachments"] = new JsonArray(consent) }, ct);
        return new SendResult.Sent(id);
    }

    /// <summary>
    /// Step 2, the invoke: accept queues the upload, decline queues the answer; both once per invoke id, so Teams' retries
    /// change nothing. The invoke itself answers 200 with no body, as Teams expects of fileConsent/invoke.
    /// </summary>
    public async Task<InvokeAnswer> ConsentAsync(Activity a, Workspace workspace, string user, string locale, CancellationToken ct)
    {
        if (a.Value is not { ValueKind: JsonValueKind.Object } v || a.Conversation?.Id is null || a.Id is null
            || !v.TryGetProperty("context", out var context) || context.ValueKind != JsonValueKind.Object
            || Str(context, "spe") != Purpose || Str(context, "format") is not { } format || !Exporter.Formats.Contains(format))
            return InvokeAnswer.Error("BadRequest", "Not a SpeBot export consent.");
        var chat = ServiceUrls.BaseConversation(a.Conversation.Id);
        switch (Str(v, "action"))
        {
            case "accept":
                if (!v.TryGetProperty("uploadInfo", out var info) || info.ValueKind != JsonValueKind.Object
                    || Str(info, "uploadUrl") is not { } uploadUrl || !IsAllowedUploadUrl(uploadUrl))
                    return InvokeAnswer.Error("BadRequest", "The consent carries no usable uploadUrl.");
                await EnqueueAsync((c, tx) => outbox.EnqueueAsync(c, tx, new OutboundMessage(Platform.Teams, workspace.Id, chat, UploadKind,
                    new OutboundBody { Key = format, UserId = user, Locale = locale, Payload = info.GetRawText() }, $"export_upload:{a.Id}"), ct), ct);
                break;
            case "decline":
                await EnqueueAsync((c, tx) => notices.EnqueueAsync(c, tx, Platform.Teams, workspace.Id, chat, user,
                    new Message("teams.export.declined", new() { ["format"] = format.ToUpperInvariant() }), $"export_declined:{a.Id}", false, ct, locale), ct);
                break;
            default:
                return InvokeAnswer.Error("BadRequest", "Expected accept or decline.");
        }
        return new InvokeAnswer(200, null);
    }

    /// <summary>Step 3: PUT the file to the person's OneDrive, then show it; a refused upload is told to the person.</summary>
    public async Task<SendResult> UploadAsync(OutboxRow row, OutboundBody body, ConversationReference chat, CancellationToken ct)
    {
        if (body.Payload is null || JsonNode.Parse(body.Payload) is not JsonObject info
            || info["uploadUrl"]?.GetValue<string>() is not { } uploadUrl || !IsAllowedUploadUrl(uploadUrl))
            return new SendResult.Permanent("upload without a usable uploadUrl");
        var format = Format(body.Key);
        var file = await exporter.BuildAsync(row.WorkspaceId, format, clock.GetUtcNow(), ct);
        using var request = new HttpRequestMessage(HttpMethod.Put, uploadUrl) { Content = new ByteArrayContent(file.Content) };
        // One request for the whole file, as an upload session takes it: the range names every byte.
        request.Content.Headers.ContentRange = new ContentRangeHeaderValue(0, file.Content.Length - 1, file.Content.Length);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(file.ContentType);
        int status;
        try
        {
            using var response = await http.SendAsync(request, ct);
            status = (int)response.StatusCode;
            if (status == 429) return new SendResult.RateLimited(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(30));
        }
        catch (HttpRequestException e)
        {
            return new SendResult.Transient($"upload: {e.Message}");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return new SendResult.Transient("upload timed out");
        }
        if (status >= 500) return new SendResult.Transient($"upload HTTP {status}");
        if (status is < 200 or >= 300)
        {
            // The URL expired or was refused: retrying cannot help, the person can ask again.
            LogUploadRefused(log, status);
            var style = renderer.NewStyle();
            var text = renderer.T(body.Locale ?? MessageCatalog.Fallback, new Message("teams.export.failed", new() { ["format"] = format.ToUpperInvariant() }), style);
            await connector.SendAsync(chat.ServiceUrl, chat.ConversationId, TeamsRenderer.TextActivity(text, style), ct);
            return new SendResult.Permanent($"upload refused: HTTP {status}");
        }
        var card = new JsonObject
        {
            ["contentType"] = InfoType,
            ["contentUrl"] = info["contentUrl"]?.GetValue<string>(),
            ["name"] = info["name"]?.GetValue<string>() ?? file.Name,
            ["content"] = new JsonObject { ["uniqueId"] = info["uniqueId"]?.GetValue<string>(), ["fileType"] = info["fileType"]?.GetValue<string>() ?? format },
        };
        return new SendResult.Sent(await connector.SendAsync(chat.ServiceUrl, chat.ConversationId, new JsonObject { ["type"] = "message", ["attachments"] = new JsonArray(card) }, ct));
    }

    /// <summary>
    /// The uploadUrl comes inside a validated invoke, but it is still a URL SpeBot will send the workspace's data to:
    /// https only (OneDrive/SharePoint), or loopback for the test fake.
    /// </summary>
    internal static bool IsAllowedUploadUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttps || (u.Scheme == Uri.UriSchemeHttp && u.IsLoopback))
        && string.IsNullOrEmpty(u.UserInfo);

    private string Text(string? locale, string key, string format) =>
        renderer.T(locale ?? MessageCatalog.Fallback, new Message(key, new() { ["format"] = format.ToUpperInvariant() }), renderer.NewStyle());

    private static string Format(string? key) => key is not null && Exporter.Formats.Contains(key) ? key : "csv";

    private async Task EnqueueAsync(Func<System.Data.Common.DbConnection, System.Data.Common.DbTransaction, Task> write, CancellationToken ct)
    {
        await db.WriteAsync(async (c, tx) =>
        {
            await write(c, tx);
            return 0;
        }, ct);
        signal.Notify();
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Teams export upload refused with HTTP {Status}; the person was told")]
    private static partial void LogUploadRefused(ILogger log, int status);
}

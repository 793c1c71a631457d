using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace SpeBot.Tests.Support;

/// <summary>Bot Framework activities as Teams sends them, and the authenticated request that carries one.</summary>
public static class ActivityBuilder
{
    public const string Channel = "19:abc123@thread.tacv2";
    public const string Personal = "a:1personalchat";
    public const string UserAad = "11111111-2222-3333-4444-555555555555";
    public const string UserId = "29:1user-abcdefgh";
    public const string BotId = "28:" + BotFrameworkIdentity.AppId;

    public static JsonObject Base(string type, string serviceUrl, string conversationId = Channel, string id = "1700000000001",
        string userAad = UserAad, string conversationType = "channel")
    {
        var a = new JsonObject
        {
            ["type"] = type, ["id"] = id, ["timestamp"] = "2026-11-29T10:00:00.000Z", ["serviceUrl"] = serviceUrl, ["channelId"] = "msteams",
            ["from"] = new JsonObject { ["id"] = "29:1u-" + userAad[..8], ["name"] = "Aiko Tanaka", ["aadObjectId"] = userAad },
            ["recipient"] = new JsonObject { ["id"] = BotId, ["name"] = "SpeBot" },
            ["conversation"] = new JsonObject
            {
                ["id"] = conversationId, ["conversationType"] = conversationType, ["isGroup"] = conversationType != "personal",
                ["tenantId"] = BotFrameworkIdentity.TenantId,
            },
            ["channelData"] = new JsonObject { ["tenant"] = new JsonObject { ["id"] = BotFrameworkIdentity.TenantId } },
            ["locale"] = "en-US",
            ["entities"] = new JsonArray(new JsonObject { ["type"] = "clientInfo", ["locale"] = "en-US", ["platform"] = "Web" }),
        };
        if (conversationType == "channel")
            a["channelData"]!["channel"] = new JsonObject { ["id"] = Channel };
        return a;
    }

    /// <summary>"@SpeBot {text}" in a channel thread: the bot mention as Teams writes it.</summary>
    public static JsonObject ChannelMention(string serviceUrl, string text, string id = "1700000000001")
    {
        var a = Base("message", serviceUrl, $"{Channel};messageid={id}", id);
        a["text"] = $"<at>SpeBot</at> {text}";
        a["textFormat"] = "plain";
        a["entities"]!.AsArray().Add(new JsonObject
        {
            ["type"] = "mention", ["text"] = "<at>SpeBot</at>", ["mentioned"] = new JsonObject { ["id"] = BotId, ["name"] = "SpeBot" },
        });
        return a;
    }

    public static JsonObject PersonalMessage(string serviceUrl, string text, string id = "1700000000101")
    {
        var a = Base("message", serviceUrl, Personal, id, conversationType: "personal");
        a["text"] = text;
        return a;
    }

    public static JsonObject Reaction(string serviceUrl, string replyToId, string type, bool added, string id, string userAad = UserAad,
        string timestamp = "2026-11-29T10:01:00.000Z")
    {
        var a = Base("messageReaction", serviceUrl, Channel, id, userAad);
        a[added ? "reactionsAdded" : "reactionsRemoved"] = new JsonArray(new JsonObject { ["type"] = type });
        a["replyToId"] = replyToId;
        a["timestamp"] = timestamp;
        return a;
    }

    public static JsonObject CardAction(string serviceUrl, string verb, long itemId, string replyToId, string id, string userAad = UserAad)
    {
        var a = Base("invoke", serviceUrl, Channel, id, userAad);
        a["name"] = "adaptiveCard/action";
        a["replyToId"] = replyToId;
        a["value"] = new JsonObject
        {
            ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = verb, ["data"] = new JsonObject { ["itemId"] = itemId.ToString(System.Globalization.CultureInfo.InvariantCulture) } },
            ["trigger"] = "manual",
        };
        return a;
    }

    public static JsonObject MessageAction(string serviceUrl, string name, string html, string id, JsonObject? data = null)
    {
        var a = Base("invoke", serviceUrl, $"{Channel};messageid=1611060744833", id);
        a["name"] = name;
        a["value"] = new JsonObject
        {
            ["commandId"] = "captureMessage", ["commandContext"] = "message",
            ["messagePayload"] = new JsonObject
            {
                ["id"] = "1611060744833", ["linkToMessage"] = "https://teams.microsoft.com/l/message/19:abc123@thread.tacv2/1611060744833",
                ["body"] = new JsonObject { ["contentType"] = "html", ["content"] = html },
                ["from"] = new JsonObject { ["user"] = new JsonObject { ["id"] = "99999999-8888-7777-6666-555555555555", ["displayName"] = "Ken" } },
            },
        };
        if (data is not null) a["value"]!["data"] = data;
        return a;
    }

    public static HttpRequestMessage Request(JsonNode activity, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages")
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(activity.ToJsonString())),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }
}

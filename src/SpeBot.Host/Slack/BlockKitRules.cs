using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SpeBot.Host.Slack;

/// <summary>
/// What Slack answers when it refuses a call: <c>{"ok":false,"error":…,"response_metadata":{"messages":[…]}}</c>.
/// Each message reads like Slack's own, "[ERROR] … [json-pointer:/blocks/0/text/text]".
/// </summary>
public sealed record SlackApiError(string Error, IReadOnlyList<string> Messages)
{
    public JsonObject ToJson() => new()
    {
        ["ok"] = false,
        ["error"] = Error,
        ["response_metadata"] = new JsonObject { ["messages"] = new JsonArray(Messages.Select(m => (JsonNode)JsonValue.Create(m)).ToArray()) },
    };
}

/// <summary>
/// Slack's documented Block Kit and Web API rules as a pure check over a method name and its JSON body: null when Slack
/// would accept the call, else the error Slack answers. The test double and the playground run every outbound call
/// through it, so a payload real Slack refuses fails a test instead of a workspace. Only what SpeBot sends is covered
/// (message and view blocks, the elements it uses and a few close relatives); an unknown block or element type is refused.
/// Method-level rules that need state (tokens, trigger lifetimes, hashes) belong to the double, not here.
/// </summary>
public static class BlockKitRules
{
    /// <summary>Pseudo-methods for bodies that are not Web API calls but are held to the same rules.</summary>
    public const string ResponseUrl = "response_url";
    public const string CommandAck = "command_ack";
    public const string ViewSubmissionAnswer = "view_submission";

    // https://docs.slack.dev/reference/methods/chat.postMessage ("truncated above 40,000"; msg_too_long)
    public const int MaxMessageText = 40_000;
    // https://docs.slack.dev/reference/block-kit/blocks ("up to 50 blocks in each message, 100 in modals or Home tabs")
    public const int MaxMessageBlocks = 50;
    public const int MaxViewBlocks = 100;

    /// <summary>The methods (and pseudo-methods) whose bodies carry Block Kit; other methods have no rules here.</summary>
    public static readonly IReadOnlySet<string> Methods = new HashSet<string>(StringComparer.Ordinal)
    {
        "chat.postMessage", "chat.postEphemeral", "chat.update", "chat.scheduleMessage",
        "views.open", "views.push", "views.update", "views.publish", ResponseUrl, CommandAck, ViewSubmissionAnswer,
    };

    public static SlackApiError? Check(string method, JsonObject body)
    {
        var c = new Checker();
        switch (method)
        {
            case "chat.postMessage" or "chat.scheduleMessage":
                c.Required(body, "channel", "");
                return c.Error("invalid_arguments") ?? Message(c, body, allowDelete: false);
            case "chat.postEphemeral":
                c.Required(body, "channel", "");
                c.Required(body, "user", "");
                return c.Error("invalid_arguments") ?? Message(c, body, allowDelete: false);
            case "chat.update":
                // https://docs.slack.dev/reference/methods/chat.update (channel and ts are required)
                c.Required(body, "channel", "");
                c.Required(body, "ts", "");
                return c.Error("invalid_arguments") ?? Message(c, body, allowDelete: false);
            case ResponseUrl or CommandAck:
                // https://docs.slack.dev/interactivity/handling-user-interaction (response_url: text/blocks, response_type,
                // replace_original, delete_original); https://docs.slack.dev/interactivity/implementing-slash-commands (the ack)
                if (body["response_type"] is { } rt && Str(rt) is not ("ephemeral" or "in_channel"))
                    c.Fail("must be one of ephemeral, in_channel", "/response_type");
                return c.Error("invalid_arguments") ?? Message(c, body, allowDelete: true);
            case "views.open" or "views.push":
                // https://docs.slack.dev/reference/methods/views.open , https://docs.slack.dev/reference/methods/views.push
                c.Required(body, "trigger_id", "");
                c.View(body["view"], "/view", home: false);
                return c.Error("invalid_arguments");
            case "views.update":
                // https://docs.slack.dev/reference/methods/views.update (view_id or external_id)
                if (Str(body["view_id"]) is not { Length: > 0 } && Str(body["external_id"]) is not { Length: > 0 })
                    c.Fail("missing required field: view_id or external_id", "");
                c.View(body["view"], "/view", home: body["view"]?["type"] is { } t && Str(t) == "home");
                return c.Error("invalid_arguments");
            case "views.publish":
                // https://docs.slack.dev/reference/methods/views.publish (user_id, a view of type home)
                c.Required(body, "user_id", "");
                c.View(body["view"], "/view", home: true);
                return c.Error("invalid_arguments");
            case ViewSubmissionAnswer:
                // https://docs.slack.dev/surfaces/modals ("response_action": errors | update | push | clear)
                switch (Str(body["response_action"]))
                {
                    case "errors":
                        if (body["errors"] is not JsonObject { Count: > 0 } errors) c.Fail("must provide an object with at least one key", "/errors");
                        else foreach (var (k, v) in errors) if (Str(v) is not { Length: > 0 }) c.Fail("must provide a string", $"/errors/{k}");
                        break;
                    case "update" or "push":
                        c.View(body["view"], "/view", home: false);
                        break;
                    case "clear":
                        break;
                    default:
                        c.Fail("must be one of errors, update, push, clear", "/response_action");
                        break;
                }
                return c.Error("invalid_arguments");
            default:
                return null;
        }
    }

    private static SlackApiError? Message(Checker c, JsonObject body, bool allowDelete)
    {
        var text = Str(body["text"]);
        var blocks = body["blocks"];
        if (allowDelete && body["delete_original"] is { } d && IsTrue(d)) return null;
        // https://docs.slack.dev/reference/methods/chat.postMessage ("no_text": no text, blocks or attachments)
        if (string.IsNullOrEmpty(text) && blocks is not JsonArray { Count: > 0 } && body["attachments"] is not JsonArray { Count: > 0 })
            return new SlackApiError("no_text", ["[ERROR] missing required field: text, blocks or attachments"]);
        // https://docs.slack.dev/reference/methods/chat.postMessage (text above 40,000 characters: msg_too_long)
        if (text is { Length: > MaxMessageText })
            return new SlackApiError("msg_too_long", [$"[ERROR] must be less than {MaxMessageText + 1} characters [json-pointer:/text]"]);
        if (blocks is not null) c.Blocks(blocks, "/blocks", MaxMessageBlocks);
        return c.Error("invalid_blocks");
    }

    private static string? Str(JsonNode? n) => n is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static bool IsTrue(JsonNode n) =>
        n is JsonValue v && (v.GetValueKind() == JsonValueKind.True || v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() == "true");

    /// <summary>Walks one payload and collects every violation; the first decides nothing, Slack lists them all.</summary>
    private sealed class Checker
    {
        private readonly List<string> _messages = [];

        public SlackApiError? Error(string code) => _messages.Count == 0 ? null : new SlackApiError(code, _messages.ToList());

        public void Fail(string what, string pointer) => _messages.Add($"[ERROR] {what} [json-pointer:{pointer}]");

        public void Required(JsonObject o, string key, string at)
        {
            if (Str(o[key]) is not { Length: > 0 }) Fail($"missing required field: {key}", $"{at}/{key}");
        }

        private void MaxLength(JsonNode? n, int max, string at)
        {
            if (n is null) return;
            if (Str(n) is not { } s) Fail("must provide a string", at);
            else if (s.Length > max) Fail($"must be less than {max + 1} characters", at);
        }

        /// <summary>
        /// A text object. https://docs.slack.dev/reference/block-kit/composition-objects/text-object : type plain_text or
        /// mrkdwn; text 1–3000 characters; emoji only on plain_text, verbatim only on mrkdwn.
        /// </summary>
        public void Text(JsonNode? n, string at, int max = 3000, bool plainOnly = false)
        {
            if (n is not JsonObject o)
            {
                Fail(n is null ? "missing required field: text object" : "must provide an object", at);
                return;
            }
            var type = Str(o["type"]);
            if (type is not ("plain_text" or "mrkdwn")) Fail("must be one of plain_text, mrkdwn", at + "/type");
            else if (plainOnly && type != "plain_text") Fail("must be a plain_text text object", at + "/type");
            var text = Str(o["text"]);
            if (text is null) Fail("missing required field: text", at + "/text");
            else if (text.Length == 0) Fail("must be more than 0 characters", at + "/text");
            else if (text.Length > max) Fail($"must be less than {max + 1} characters", at + "/text");
            if (type == "mrkdwn" && o.ContainsKey("emoji")) Fail("emoji is only allowed on plain_text", at + "/emoji");
            if (type == "plain_text" && o.ContainsKey("verbatim")) Fail("verbatim is only allowed on mrkdwn", at + "/verbatim");
        }

        /// <summary>
        /// A modal or Home view. https://docs.slack.dev/surfaces/modals : type, title ≤24
        /// (plain_text), submit/close ≤24, submit required with an input block, blocks ≤100, private_metadata ≤3000,
        /// callback_id and external_id ≤255. https://docs.slack.dev/surfaces/app-home : type home, blocks ≤100.
        /// </summary>
        public void View(JsonNode? n, string at, bool home)
        {
            if (n is not JsonObject v)
            {
                Fail(n is null ? "missing required field: view" : "must provide an object", at);
                return;
            }
            var type = Str(v["type"]);
            if (type is null) Fail("missing required field: type", at + "/type");
            else if (home && type != "home") Fail("must be home", at + "/type");
            else if (!home && type != "modal") Fail("must be modal", at + "/type");
            var hasInput = v["blocks"] is JsonArray bs && bs.OfType<JsonObject>().Any(b => Str(b["type"]) == "input");
            if (type == "modal")
            {
                if (v["title"] is null) Fail("missing required field: title", at + "/title");
                else Text(v["title"], at + "/title", 24, plainOnly: true);
                if (v["submit"] is not null) Text(v["submit"], at + "/submit", 24, plainOnly: true);
                else if (hasInput) Fail("missing required field: submit (a view with input blocks needs one)", at + "/submit");
                if (v["close"] is not null) Text(v["close"], at + "/close", 24, plainOnly: true);
            }
            MaxLength(v["private_metadata"], 3000, at + "/private_metadata");
            MaxLength(v["callback_id"], 255, at + "/callback_id");
            MaxLength(v["external_id"], 255, at + "/external_id");
            if (v["blocks"] is null) Fail("missing required field: blocks", at + "/blocks");
            else Blocks(v["blocks"], at + "/blocks", MaxViewBlocks);
        }

        /// <summary>https://docs.slack.dev/reference/block-kit/blocks : an array, ≤50 (message) or ≤100 (view); block_id ≤255, unique.</summary>
        public void Blocks(JsonNode? n, string at, int max)
        {
            if (n is not JsonArray blocks)
            {
                Fail("must provide an array", at);
                return;
            }
            if (blocks.Count > max) Fail($"no more than {max} items allowed", at);
            var ids = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < blocks.Count; i++)
            {
                var p = $"{at}/{i}";
                if (blocks[i] is not JsonObject b)
                {
                    Fail("must provide an object", p);
                    continue;
                }
                if (b["block_id"] is { } id)
                {
                    MaxLength(id, 255, p + "/block_id");
                    // https://docs.slack.dev/reference/block-kit/blocks ("block_id … unique for each message and each iteration of a message")
                    if (Str(id) is { } s && !ids.Add(s)) Fail($"block_id '{s}' already exists", p + "/block_id");
                }
                Block(b, p);
            }
        }

        private void Block(JsonObject b, string at)
        {
            switch (Str(b["type"]))
            {
                case "section":
                    // https://docs.slack.dev/reference/block-kit/blocks/section-block : text ≤3000 or fields (≤10, each ≤2000); one is required
                    if (b["text"] is null && b["fields"] is null) Fail("missing required field: text or fields", at);
                    if (b["text"] is not null) Text(b["text"], at + "/text", 3000);
                    if (b["fields"] is { } f)
                    {
                        if (f is not JsonArray fields || fields.Count == 0) Fail("must provide a non-empty array", at + "/fields");
                        else
                        {
                            if (fields.Count > 10) Fail("no more than 10 items allowed", at + "/fields");
                            for (var i = 0; i < fields.Count; i++) Text(fields[i], $"{at}/fields/{i}", 2000);
                        }
                    }
                    if (b["accessory"] is { } acc) Element(acc, at + "/accessory", "section");
                    break;
                case "header":
                    // https://docs.slack.dev/reference/block-kit/blocks/header-block : plain_text, ≤150
                    Text(b["text"], at + "/text", 150, plainOnly: true);
                    break;
                case "context":
                    // https://docs.slack.dev/reference/block-kit/blocks/context-block : 1–10 elements, text objects or images
                    if (b["elements"] is not JsonArray ce || ce.Count == 0)
                    {
                        Fail("must provide a non-empty array", at + "/elements");
                        break;
                    }
                    if (ce.Count > 10) Fail("no more than 10 items allowed", at + "/elements");
                    for (var i = 0; i < ce.Count; i++)
                    {
                        if (ce[i] is JsonObject e && Str(e["type"]) == "image") Image(e, $"{at}/elements/{i}");
                        else Text(ce[i], $"{at}/elements/{i}");
                    }
                    break;
                case "actions":
                    // https://docs.slack.dev/reference/block-kit/blocks/actions-block : 1–25 interactive elements;
                    // https://docs.slack.dev/reference/block-kit/block-elements : "action_id … unique among all other action_ids in the containing block"
                    if (b["elements"] is not JsonArray ae || ae.Count == 0)
                    {
                        Fail("must provide a non-empty array", at + "/elements");
                        break;
                    }
                    if (ae.Count > 25) Fail("no more than 25 items allowed", at + "/elements");
                    var actionIds = new HashSet<string>(StringComparer.Ordinal);
                    for (var i = 0; i < ae.Count; i++)
                    {
                        Element(ae[i], $"{at}/elements/{i}", "actions");
                        if (Str(ae[i]?["action_id"]) is { } a && !actionIds.Add(a))
                            Fail($"action_id '{a}' already exists", $"{at}/elements/{i}/action_id");
                    }
                    break;
                case "divider":
                    break;
                case "input":
                    // https://docs.slack.dev/reference/block-kit/blocks/input-block : label (plain_text ≤2000) and element required; hint ≤2000
                    if (b["label"] is null) Fail("missing required field: label", at + "/label");
                    else Text(b["label"], at + "/label", 2000, plainOnly: true);
                    if (b["hint"] is not null) Text(b["hint"], at + "/hint", 2000, plainOnly: true);
                    if (b["element"] is null) Fail("missing required field: element", at + "/element");
                    else Element(b["element"], at + "/element", "input");
                    break;
                case "image":
                    Image(b, at);
                    break;
                case null:
                    Fail("missing required field: type", at + "/type");
                    break;
                default:
                    Fail($"unsupported block type '{Str(b["type"])}'", at + "/type");
                    break;
            }
        }

        /// <summary>https://docs.slack.dev/reference/block-kit/block-elements/image-element : image_url ≤3000, alt_text ≤2000, both required.</summary>
        private void Image(JsonObject e, string at)
        {
            if (Str(e["image_url"]) is null && e["slack_file"] is null) Fail("missing required field: image_url", at + "/image_url");
            else MaxLength(e["image_url"], 3000, at + "/image_url");
            if (Str(e["alt_text"]) is null) Fail("missing required field: alt_text", at + "/alt_text");
            else MaxLength(e["alt_text"], 2000, at + "/alt_text");
        }

        private void Element(JsonNode? n, string at, string parent)
        {
            if (n is not JsonObject e)
            {
                Fail("must provide an object", at);
                return;
            }
            var type = Str(e["type"]);
            // https://docs.slack.dev/reference/block-kit/block-elements : action_id ≤255 characters
            if (type != "image") MaxLength(e["action_id"], 255, at + "/action_id");
            switch (type)
            {
                case "button":
                    // https://docs.slack.dev/reference/block-kit/block-elements/button-element : text plain_text ≤75, value ≤2000,
                    // url ≤3000, style primary|danger, accessibility_label ≤75
                    if (e["text"] is null) Fail("missing required field: text", at + "/text");
                    else Text(e["text"], at + "/text", 75, plainOnly: true);
                    MaxLength(e["value"], 2000, at + "/value");
                    MaxLength(e["url"], 3000, at + "/url");
                    MaxLength(e["accessibility_label"], 75, at + "/accessibility_label");
                    if (e["style"] is { } style && Str(style) is not ("primary" or "danger")) Fail("must be one of primary, danger", at + "/style");
                    break;
                case "overflow":
                    // https://docs.slack.dev/reference/block-kit/block-elements/overflow-menu-element : up to 5 options
                    Options(e["options"], at + "/options", min: 1, max: 5, plainOnly: true);
                    break;
                case "static_select" or "multi_static_select":
                    // https://docs.slack.dev/reference/block-kit/block-elements/select-menu-element : options ≤100 (or option_groups ≤100),
                    // placeholder plain_text ≤150; initial_option must be one of the options
                    if (e["option_groups"] is null) Options(e["options"], at + "/options", min: 1, max: 100, plainOnly: true);
                    Placeholder(e, at);
                    if (e["initial_option"] is JsonObject initial && e["options"] is JsonArray opts
                        && !opts.Any(o => JsonNode.DeepEquals(o, initial)))
                        Fail("initial_option must match one of the options", at + "/initial_option");
                    break;
                case "conversations_select" or "channels_select" or "users_select" or "external_select"
                    or "multi_conversations_select" or "multi_channels_select" or "multi_users_select" or "multi_external_select":
                    Placeholder(e, at);
                    break;
                case "plain_text_input":
                    // https://docs.slack.dev/reference/block-kit/block-elements/plain-text-input-element : input blocks only;
                    // placeholder ≤150, min_length 0–3000, max_length 1–3000
                    if (parent != "input") Fail("plain_text_input is only allowed in input blocks", at + "/type");
                    Placeholder(e, at);
                    Range(e["min_length"], 0, 3000, at + "/min_length");
                    Range(e["max_length"], 1, 3000, at + "/max_length");
                    if (e["initial_value"] is { } iv && e["max_length"] is JsonValue mlv && mlv.TryGetValue<int>(out var ml) && Str(iv) is { } ivs && ivs.Length > ml)
                        Fail($"initial_value must be no longer than max_length ({ml})", at + "/initial_value");
                    break;
                case "datepicker" or "timepicker" or "checkboxes" or "radio_buttons":
                    Placeholder(e, at);
                    if (type is "checkboxes" or "radio_buttons") Options(e["options"], at + "/options", min: 1, max: 10, plainOnly: false);
                    break;
                case "image" when parent == "section":
                    Image(e, at);
                    break;
                case null:
                    Fail("missing required field: type", at + "/type");
                    break;
                default:
                    Fail($"unsupported element type '{type}' in {parent}", at + "/type");
                    break;
            }
        }

        private void Placeholder(JsonObject e, string at)
        {
            if (e["placeholder"] is not null) Text(e["placeholder"], at + "/placeholder", 150, plainOnly: true);
        }

        private void Range(JsonNode? n, int min, int max, string at)
        {
            if (n is null) return;
            if (n is not JsonValue v || !v.TryGetValue<int>(out var i)) Fail("must provide an integer", at);
            else if (i < min || i > max) Fail(string.Create(CultureInfo.InvariantCulture, $"must be between {min} and {max}"), at);
        }

        /// <summary>
        /// https://docs.slack.dev/reference/block-kit/composition-objects/option-object : text ≤75 (plain_text only in
        /// selects and overflow menus; checkboxes and radio buttons take mrkdwn too), value ≤150, description ≤75.
        /// </summary>
        private void Options(JsonNode? n, string at, int min, int max, bool plainOnly)
        {
            if (n is not JsonArray options)
            {
                Fail("missing required field: options", at);
                return;
            }
            if (options.Count < min) Fail($"must provide at least {min} items", at);
            if (options.Count > max) Fail($"no more than {max} items allowed", at);
            for (var i = 0; i < options.Count; i++)
            {
                var p = $"{at}/{i}";
                if (options[i] is not JsonObject o)
                {
                    Fail("must provide an object", p);
                    continue;
                }
                Text(o["text"], p + "/text", 75, plainOnly);
                if (Str(o["value"]) is null) Fail("missing required field: value", p + "/value");
                else MaxLength(o["value"], 150, p + "/value");
                if (o["description"] is not null) Text(o["description"], p + "/description", 75, plainOnly);
            }
        }
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using SpeBot.Host.Slack;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Slack;

/// <summary>
/// The strict double refuses what Slack refuses, one rule at a time: each case sends the boundary value (accepted) and
/// one step past it (refused with Slack's error and a detail message pointing at the field). The rules and their
/// sources are in <see cref="BlockKitRules"/> and <see cref="FakeSlackApi"/>.
/// </summary>
public sealed class SlackDoubleTests : IAsyncLifetime
{
    private FakeSlackApi _slack = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync()
    {
        _slack = await FakeSlackApi.StartAsync();
        _slack.ExpectRejections();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _slack.DisposeAsync();
    }

    private static string S(int n) => new('a', n);
    private static JsonObject Plain(string text) => new() { ["type"] = "plain_text", ["text"] = text };
    private static JsonObject Mrkdwn(string text) => new() { ["type"] = "mrkdwn", ["text"] = text };
    private static JsonObject Section(string text) => new() { ["type"] = "section", ["text"] = Mrkdwn(text) };
    private static JsonObject Divider() => new() { ["type"] = "divider" };
    private static JsonArray Array(IEnumerable<JsonNode> nodes) => new(nodes.ToArray());
    private static JsonArray Many(int n, Func<int, JsonNode> make) => Array(Enumerable.Range(0, n).Select(make));

    private static JsonObject Button(string text = "Go", string actionId = "go", string? value = null, string? style = null, string? url = null,
        string? label = null)
    {
        var b = new JsonObject { ["type"] = "button", ["text"] = Plain(text), ["action_id"] = actionId };
        if (value is not null) b["value"] = value;
        if (style is not null) b["style"] = style;
        if (url is not null) b["url"] = url;
        if (label is not null) b["accessibility_label"] = label;
        return b;
    }

    private static JsonObject Actions(params JsonObject[] elements) => new() { ["type"] = "actions", ["elements"] = Array(elements) };
    private static JsonObject Message(params JsonNode[] blocks) => MessageOf(Array(blocks));
    private static JsonObject MessageOf(JsonArray blocks) => new() { ["channel"] = "C1", ["text"] = "fallback", ["blocks"] = blocks };
    private static JsonObject Option(string text, string value) => new() { ["text"] = Plain(text), ["value"] = value };

    private static JsonObject Input(JsonObject element, string label = "Title", string? hint = null)
    {
        var b = new JsonObject { ["type"] = "input", ["block_id"] = "in", ["label"] = Plain(label), ["element"] = element };
        if (hint is not null) b["hint"] = Plain(hint);
        return b;
    }

    private static JsonObject TextInput(int? maxLength = null, string? placeholder = null)
    {
        var e = new JsonObject { ["type"] = "plain_text_input", ["action_id"] = "value" };
        if (maxLength is not null) e["max_length"] = maxLength;
        if (placeholder is not null) e["placeholder"] = Plain(placeholder);
        return e;
    }

    private static JsonObject Select(JsonArray options) => new() { ["type"] = "static_select", ["action_id"] = "value", ["options"] = options };

    private static JsonObject Modal(JsonArray? blocks = null, string title = "SpeBot", string? submit = "Save", string? close = null, string? metadata = null,
        string? callbackId = null)
    {
        var v = new JsonObject { ["type"] = "modal", ["title"] = Plain(title), ["blocks"] = blocks ?? new JsonArray() };
        if (submit is not null) v["submit"] = Plain(submit);
        if (close is not null) v["close"] = Plain(close);
        if (metadata is not null) v["private_metadata"] = metadata;
        if (callbackId is not null) v["callback_id"] = callbackId;
        return v;
    }

    private static JsonObject Open(JsonObject view) => new() { ["trigger_id"] = "trig", ["view"] = view };

    /// <summary>A rule: the method, the body at the boundary and one step past it, and what Slack answers to the latter.</summary>
    private sealed record Rule(string Method, Func<bool, JsonObject> Body, string Error, string Pointer);

    private static readonly Dictionary<string, Rule> Rules = new()
    {
        ["≤50 blocks in a message"] = new("chat.postMessage", past => MessageOf(Many(past ? 51 : 50, _ => Divider())), "invalid_blocks", "/blocks]"),
        ["≤100 blocks in a modal"] = new("views.open", past => Open(Modal(Many(past ? 101 : 100, _ => Divider()), submit: null)), "invalid_arguments", "/view/blocks]"),
        ["≤100 blocks in Home"] = new("views.publish", past => new() { ["user_id"] = "U1", ["view"] = new JsonObject { ["type"] = "home", ["blocks"] = Many(past ? 101 : 100, _ => Divider()) } },
            "invalid_arguments", "/view/blocks]"),
        ["section text ≤3000"] = new("chat.postMessage", past => Message(Section(S(past ? 3001 : 3000))), "invalid_blocks", "/blocks/0/text/text]"),
        ["text object ≥1 character"] = new("chat.postMessage", past => Message(Section(past ? "" : "a")), "invalid_blocks", "/blocks/0/text/text]"),
        ["text object type plain_text or mrkdwn"] = new("chat.postMessage", past => Message(new JsonObject
            { ["type"] = "section", ["text"] = new JsonObject { ["type"] = past ? "markdown" : "mrkdwn", ["text"] = "a" } }), "invalid_blocks", "/blocks/0/text/type]"),
        ["emoji only on plain_text"] = new("chat.postMessage", past => Message(new JsonObject
            { ["type"] = "section", ["text"] = new JsonObject { ["type"] = past ? "mrkdwn" : "plain_text", ["text"] = "a", ["emoji"] = true } }), "invalid_blocks", "/blocks/0/text/emoji]"),
        ["section field ≤2000"] = new("chat.postMessage", past => Message(new JsonObject { ["type"] = "section", ["fields"] = new JsonArray(Mrkdwn(S(past ? 2001 : 2000))) }),
            "invalid_blocks", "/blocks/0/fields/0/text]"),
        ["≤10 section fields"] = new("chat.postMessage", past => Message(new JsonObject { ["type"] = "section", ["fields"] = Many(past ? 11 : 10, _ => Mrkdwn("f")) }),
            "invalid_blocks", "/blocks/0/fields]"),
        ["section needs text or fields"] = new("chat.postMessage", past => Message(past ? new JsonObject { ["type"] = "section" } : Section("a")), "invalid_blocks", "/blocks/0]"),
        ["header ≤150"] = new("chat.postMessage", past => Message(new JsonObject { ["type"] = "header", ["text"] = Plain(S(past ? 151 : 150)) }), "invalid_blocks", "/blocks/0/text/text]"),
        ["header is plain_text"] = new("chat.postMessage", past => Message(new JsonObject { ["type"] = "header", ["text"] = past ? Mrkdwn("h") : Plain("h") }),
            "invalid_blocks", "/blocks/0/text/type]"),
        ["≤10 context elements"] = new("chat.postMessage", past => Message(new JsonObject { ["type"] = "context", ["elements"] = Many(past ? 11 : 10, _ => Mrkdwn("c")) }),
            "invalid_blocks", "/blocks/0/elements]"),
        ["≤25 actions elements"] = new("chat.postMessage", past => Message(Actions(Enumerable.Range(0, past ? 26 : 25).Select(i => Button(actionId: $"a{i}")).ToArray())),
            "invalid_blocks", "/blocks/0/elements]"),
        ["action_id unique within a block (the same id in two blocks is fine)"] = new("chat.postMessage", past => past
            ? Message(Actions(Button(actionId: "vote", value: "1"), Button(actionId: "vote", value: "2")))
            : Message(Actions(Button(actionId: "vote", value: "1")), Actions(Button(actionId: "vote", value: "2"))), "invalid_blocks", "/blocks/0/elements/1/action_id]"),
        ["block_id unique within a message"] = new("chat.postMessage", past => Message(
            new JsonObject { ["type"] = "divider", ["block_id"] = "b1" }, new JsonObject { ["type"] = "divider", ["block_id"] = past ? "b1" : "b2" }),
            "invalid_blocks", "/blocks/1/block_id]"),
        ["block_id ≤255"] = new("chat.postMessage", past => Message(new JsonObject { ["type"] = "divider", ["block_id"] = S(past ? 256 : 255) }), "invalid_blocks", "/blocks/0/block_id]"),
        ["action_id ≤255"] = new("chat.postMessage", past => Message(Actions(Button(actionId: S(past ? 256 : 255)))), "invalid_blocks", "/blocks/0/elements/0/action_id]"),
        ["button text ≤75"] = new("chat.postMessage", past => Message(Actions(Button(text: S(past ? 76 : 75)))), "invalid_blocks", "/blocks/0/elements/0/text/text]"),
        ["button value ≤2000"] = new("chat.postMessage", past => Message(Actions(Button(value: S(past ? 2001 : 2000)))), "invalid_blocks", "/blocks/0/elements/0/value]"),
        ["button url ≤3000"] = new("chat.postMessage", past => Message(Actions(Button(url: "https://x.test/" + S(past ? 2986 : 2985)))), "invalid_blocks", "/blocks/0/elements/0/url]"),
        ["button style primary or danger"] = new("chat.postMessage", past => Message(Actions(Button(style: past ? "secondary" : "danger"))), "invalid_blocks", "/blocks/0/elements/0/style]"),
        ["button accessibility_label ≤75"] = new("chat.postMessage", past => Message(Actions(Button(label: S(past ? 76 : 75)))), "invalid_blocks",
            "/blocks/0/elements/0/accessibility_label]"),
        ["unknown block type"] = new("chat.postMessage", past => Message(new JsonObject { ["type"] = past ? "carousel" : "divider" }), "invalid_blocks", "/blocks/0/type]"),
        ["≤100 select options"] = new("views.open", past => Open(Modal(new JsonArray(Input(Select(Many(past ? 101 : 100, i => Option($"o{i}", $"v{i}"))))))),
            "invalid_arguments", "/view/blocks/0/element/options]"),
        ["option text ≤75"] = new("views.open", past => Open(Modal(new JsonArray(Input(Select(new JsonArray(Option(S(past ? 76 : 75), "v"))))))),
            "invalid_arguments", "/view/blocks/0/element/options/0/text/text]"),
        ["select option text is plain_text"] = new("views.open", past => Open(Modal(new JsonArray(Input(Select(new JsonArray(
            new JsonObject { ["text"] = past ? Mrkdwn("o") : Plain("o"), ["value"] = "v" })))))), "invalid_arguments", "/view/blocks/0/element/options/0/text/type]"),
        ["option value ≤150"] = new("views.open", past => Open(Modal(new JsonArray(Input(Select(new JsonArray(Option("o", S(past ? 151 : 150)))))))),
            "invalid_arguments", "/view/blocks/0/element/options/0/value]"),
        ["overflow ≤5 options"] = new("chat.postMessage", past => Message(Actions(new JsonObject
            { ["type"] = "overflow", ["action_id"] = "more", ["options"] = Many(past ? 6 : 5, i => Option($"o{i}", $"v{i}")) })), "invalid_blocks", "/blocks/0/elements/0/options]"),
        ["placeholder ≤150"] = new("views.open", past => Open(Modal(new JsonArray(Input(TextInput(placeholder: S(past ? 151 : 150)))))),
            "invalid_arguments", "/view/blocks/0/element/placeholder/text]"),
        ["plain_text_input max_length ≤3000"] = new("views.open", past => Open(Modal(new JsonArray(Input(TextInput(maxLength: past ? 3001 : 3000))))),
            "invalid_arguments", "/view/blocks/0/element/max_length]"),
        ["plain_text_input only in input blocks"] = new("chat.postMessage", past => past ? Message(Actions(TextInput())) : Message(Actions(Button())),
            "invalid_blocks", "/blocks/0/elements/0/type]"),
        ["input label ≤2000"] = new("views.open", past => Open(Modal(new JsonArray(Input(TextInput(), label: S(past ? 2001 : 2000))))),
            "invalid_arguments", "/view/blocks/0/label/text]"),
        ["input hint ≤2000"] = new("views.open", past => Open(Modal(new JsonArray(Input(TextInput(), hint: S(past ? 2001 : 2000))))),
            "invalid_arguments", "/view/blocks/0/hint/text]"),
        ["input needs a label"] = new("views.open", past => Open(Modal(new JsonArray(past
            ? new JsonObject { ["type"] = "input", ["element"] = TextInput() } : Input(TextInput())))), "invalid_arguments", "/view/blocks/0/label]"),
        ["input needs an element"] = new("views.open", past => Open(Modal(new JsonArray(past
            ? new JsonObject { ["type"] = "input", ["label"] = Plain("Title") } : Input(TextInput())))), "invalid_arguments", "/view/blocks/0/element]"),
        ["modal title ≤24"] = new("views.open", past => Open(Modal(title: S(past ? 25 : 24))), "invalid_arguments", "/view/title/text]"),
        ["modal submit ≤24"] = new("views.open", past => Open(Modal(submit: S(past ? 25 : 24))), "invalid_arguments", "/view/submit/text]"),
        ["modal close ≤24"] = new("views.open", past => Open(Modal(close: S(past ? 25 : 24))), "invalid_arguments", "/view/close/text]"),
        ["modal needs a title"] = new("views.open", past =>
        {
            var v = Modal();
            if (past) v.Remove("title");
            return Open(v);
        }, "invalid_arguments", "/view/title]"),
        ["view needs a type"] = new("views.open", past =>
        {
            var v = Modal();
            if (past) v.Remove("type");
            return Open(v);
        }, "invalid_arguments", "/view/type]"),
        ["modal with an input needs submit"] = new("views.open", past => Open(Modal(new JsonArray(Input(TextInput())), submit: past ? null : "Save")),
            "invalid_arguments", "/view/submit]"),
        ["private_metadata ≤3000"] = new("views.open", past => Open(Modal(metadata: S(past ? 3001 : 3000))), "invalid_arguments", "/view/private_metadata]"),
        ["callback_id ≤255"] = new("views.open", past => Open(Modal(callbackId: S(past ? 256 : 255))), "invalid_arguments", "/view/callback_id]"),
        ["views.publish needs a home view"] = new("views.publish", past => new()
            { ["user_id"] = "U1", ["view"] = past ? Modal() : new JsonObject { ["type"] = "home", ["blocks"] = new JsonArray() } }, "invalid_arguments", "/view/type]"),
        ["message text ≤40,000"] = new("chat.postMessage", past => new() { ["channel"] = "C1", ["text"] = S(past ? 40_001 : 40_000) }, "msg_too_long", "/text]"),
        ["text or blocks"] = new("chat.postMessage", past => past ? new JsonObject { ["channel"] = "C1" } : new JsonObject { ["channel"] = "C1", ["blocks"] = new JsonArray(Section("a")) },
            "no_text", ""),
        ["chat.postMessage needs channel"] = new("chat.postMessage", past => past ? new JsonObject { ["text"] = "a" } : new JsonObject { ["channel"] = "C1", ["text"] = "a" },
            "invalid_arguments", "/channel]"),
        ["chat.update needs ts"] = new("chat.update", past => past ? new JsonObject { ["channel"] = "C1", ["text"] = "a" }
            : new JsonObject { ["channel"] = "C1", ["ts"] = "1.1", ["text"] = "a" }, "invalid_arguments", "/ts]"),
        ["chat.postEphemeral needs user"] = new("chat.postEphemeral", past => past ? new JsonObject { ["channel"] = "C1", ["text"] = "a" }
            : new JsonObject { ["channel"] = "C1", ["user"] = "U1", ["text"] = "a" }, "invalid_arguments", "/user]"),
        ["views.open needs trigger_id"] = new("views.open", past => past ? new JsonObject { ["view"] = Modal() } : Open(Modal()), "invalid_arguments", "/trigger_id]"),
        ["views.push needs trigger_id"] = new("views.push", past => past ? new JsonObject { ["view"] = Modal() } : Open(Modal()), "invalid_arguments", "/trigger_id]"),
        ["views.publish needs user_id"] = new("views.publish", past => past
            ? new JsonObject { ["view"] = new JsonObject { ["type"] = "home", ["blocks"] = new JsonArray() } }
            : new JsonObject { ["user_id"] = "U1", ["view"] = new JsonObject { ["type"] = "home", ["blocks"] = new JsonArray() } }, "invalid_arguments", "/user_id]"),
    };

    public static TheoryData<string> RuleNames => [.. Rules.Keys];

    private async Task<JsonObject> CallAsync(string method, JsonObject body, string? token = "xoxb-test")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _slack.BaseUrl + method)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    [Theory]
    [MemberData(nameof(RuleNames))]
    public async Task TheDoubleAcceptsTheBoundaryAndRefusesOneStepPast(string rule)
    {
        var r = Rules[rule];
        var accepted = await CallAsync(r.Method, r.Body(false));
        Assert.True(accepted["ok"]!.GetValue<bool>(), $"{rule}: boundary refused: {accepted.ToJsonString()}");

        var refused = await CallAsync(r.Method, r.Body(true));
        Assert.False(refused["ok"]!.GetValue<bool>(), $"{rule}: violation accepted");
        Assert.Equal(r.Error, refused["error"]!.GetValue<string>());
        var messages = refused["response_metadata"]!["messages"]!.AsArray().Select(m => m!.GetValue<string>()).ToList();
        Assert.Contains(messages, m => m.StartsWith("[ERROR] ", StringComparison.Ordinal) && m.EndsWith(r.Pointer, StringComparison.Ordinal));
        Assert.Single(_slack.Rejections);
    }

    [Fact]
    public async Task EveryCallNeedsABearerToken()
    {
        Assert.Equal("not_authed", (await CallAsync("auth.test", new JsonObject(), token: null))["error"]!.GetValue<string>());
        Assert.Equal("invalid_auth", (await CallAsync("auth.test", new JsonObject(), token: "hunter2"))["error"]!.GetValue<string>());
        Assert.True((await CallAsync("auth.test", new JsonObject()))["ok"]!.GetValue<bool>());
    }

    [Fact]
    public async Task AMethodSlackDoesNotHaveIsUnknown()
    {
        Assert.Equal("unknown_method", (await CallAsync("chat.postMessages", Message(Section("a"))))["error"]!.GetValue<string>());
        Assert.True((await CallAsync("chat.postMessage", Message(Section("a"))))["ok"]!.GetValue<bool>());
    }

    [Fact]
    public async Task AResponseUrlPostIsHeldToTheSameRulesAndRefusedWithA400()
    {
        async Task<HttpResponseMessage> PostAsync(JsonObject body) =>
            await _http.PostAsync(_slack.ResponseUrl(), new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));

        using var ok = await PostAsync(new JsonObject { ["text"] = "a", ["blocks"] = new JsonArray(Actions(Button(actionId: "x"), Button(actionId: "y"))) });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        using var refused = await PostAsync(new JsonObject { ["text"] = "a", ["blocks"] = new JsonArray(Actions(Button(actionId: "x"), Button(actionId: "x"))) });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("invalid_blocks", await refused.Content.ReadAsStringAsync());
        using var delete = await PostAsync(new JsonObject { ["delete_original"] = true });
        Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
    }

    [Fact]
    public void ASlashCommandAckIsHeldToTheMessageRules()
    {
        Assert.Null(BlockKitRules.Check(BlockKitRules.CommandAck, new JsonObject { ["response_type"] = "ephemeral", ["text"] = "a" }));
        Assert.Equal("invalid_arguments", BlockKitRules.Check(BlockKitRules.CommandAck, new JsonObject { ["response_type"] = "everyone", ["text"] = "a" })?.Error);
        Assert.Equal("invalid_blocks", BlockKitRules.Check(BlockKitRules.CommandAck, new JsonObject
        {
            ["text"] = "a", ["blocks"] = new JsonArray(new JsonObject { ["type"] = "header", ["text"] = Plain(S(151)) }),
        })?.Error);
    }

    [Fact]
    public void AViewSubmissionAnswerIsHeldToTheModalRules()
    {
        Assert.Null(BlockKitRules.Check(BlockKitRules.ViewSubmissionAnswer, new JsonObject { ["response_action"] = "errors", ["errors"] = new JsonObject { ["title"] = "Needed" } }));
        Assert.Null(BlockKitRules.Check(BlockKitRules.ViewSubmissionAnswer, new JsonObject { ["response_action"] = "update", ["view"] = Modal(title: S(24)) }));
        Assert.Equal("invalid_arguments", BlockKitRules.Check(BlockKitRules.ViewSubmissionAnswer,
            new JsonObject { ["response_action"] = "update", ["view"] = Modal(title: S(25)) })?.Error);
        Assert.Equal("invalid_arguments", BlockKitRules.Check(BlockKitRules.ViewSubmissionAnswer, new JsonObject { ["response_action"] = "errors", ["errors"] = new JsonObject() })?.Error);
        Assert.Equal("invalid_arguments", BlockKitRules.Check(BlockKitRules.ViewSubmissionAnswer, new JsonObject { ["response_action"] = "close" })?.Error);
    }

    /// <summary>Stands in for a handler whose ack breaks a rule: answers every /slack/events POST with a 151-character header.</summary>
    private sealed class BrokenAck : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (HttpContext http, RequestDelegate _) => await Results.Json(new JsonObject
            {
                ["response_type"] = "ephemeral", ["text"] = "a",
                ["blocks"] = new JsonArray(new JsonObject { ["type"] = "header", ["text"] = Plain(S(151)) }),
            }).ExecuteAsync(http));
            next(app);
        };
    }

    [Fact]
    public async Task AnAckSpeBotAnswersOnTheEventsUrlIsCheckedToo()
    {
        await using var factory = new SpeBotFactory(_slack, services: s => s.AddSingleton<IStartupFilter, BrokenAck>());
        using var client = factory.CreateClient();

        (await client.SendAsync(SignedSlackRequest.Command("help"))).Dispose();

        var rejection = Assert.Single(_slack.Rejections);
        Assert.Equal(BlockKitRules.CommandAck, rejection.Method);
        Assert.Equal("invalid_blocks", rejection.Error.Error);
    }

    [Fact]
    public async Task ARefusalTheTestDidNotExpectFailsItOnDispose()
    {
        var strict = await FakeSlackApi.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, strict.BaseUrl + "chat.postMessage")
        {
            Content = new StringContent(Message(Section("")).ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "xoxb-test");
        (await _http.SendAsync(request)).Dispose();

        var e = await Assert.ThrowsAsync<InvalidOperationException>(async () => await strict.DisposeAsync());
        Assert.Contains("invalid_blocks", e.Message, StringComparison.Ordinal);
    }
}

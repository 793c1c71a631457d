using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SpeBot.Host.Slack;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Slack;

/// <summary>manifests/slack/manifest.yaml matches what the code serves and calls.</summary>
public sealed partial class ManifestTests
{
    /// <summary>
    /// The bot scopes each Web API method needs, from its page under https://docs.slack.dev/reference/methods/ (none for
    /// chat.getPermalink, views.*, auth.test). chat:write.public is chat.postMessage's too: it posts cards where the bot
    /// has not joined. conversations.replies needs the history scope of the conversation type read (emoji capture in
    /// public and private channels).
    /// </summary>
    private static readonly Dictionary<string, string[]> MethodScopes = new()
    {
        ["chat.postMessage"] = ["chat:write", "chat:write.public"], ["chat.postEphemeral"] = ["chat:write"], ["chat.update"] = ["chat:write"],
        ["chat.getPermalink"] = [], ["views.open"] = [], ["views.push"] = [], ["views.update"] = [], ["views.publish"] = [], ["auth.test"] = [],
        ["reactions.add"] = ["reactions:write"], ["users.info"] = ["users:read"],
        ["conversations.replies"] = ["channels:history", "groups:history"],
        ["files.getUploadURLExternal"] = ["files:write"], ["files.completeUploadExternal"] = ["files:write"],
        // Called with the app-level token (scope connections:write on that token), not a bot scope.
        ["apps.connections.open"] = [],
    };

    /// <summary>
    /// The bot scope each subscribed event needs (each event's page under https://docs.slack.dev/reference/events/ and each
    /// scope's under https://docs.slack.dev/reference/scopes/, e.g. im.history lists message.im; app_home_opened needs
    /// none). Slash commands and shortcuts need "commands".
    /// </summary>
    private static readonly Dictionary<string, string[]> EventScopes = new()
    {
        ["app_home_opened"] = [], ["app_mention"] = ["app_mentions:read"], ["reaction_added"] = ["reactions:read"],
        ["reaction_removed"] = ["reactions:read"], ["message.im"] = ["im:history"],
    };

    /// <summary>The Web API methods the client calls, read from its source: every CallAsync / CallGetAsync("method", …).</summary>
    private static readonly Lazy<string[]> CalledMethods = new(() =>
        CallSite().Matches(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "source", "SlackWebApi.cs")))
            .Select(m => m.Groups[1].Value).Distinct().Order().ToArray());

    [GeneratedRegex(@"Call(?:Get)?Async\(\s*""([a-z]+(?:\.[A-Za-z]+)+)""")]
    private static partial Regex CallSite();

    private static readonly Lazy<List<(string Path, string Value)>> Entries = new(() =>
        Parse(File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "manifests", "slack", "manifest.yaml"))));

    /// <summary>
    /// Enough YAML for this file: "key:", "key: value", "- value" and "- key: value" items, "#" comments.
    /// Paths look like "features/shortcuts/[3]/callback_id".
    /// </summary>
    private static List<(string Path, string Value)> Parse(string[] lines)
    {
        var entries = new List<(string, string)>();
        var stack = new List<(int Indent, string Key)>();
        var items = 0;
        foreach (var raw in lines)
        {
            var line = Comment().Replace(raw, "");
            if (line.Trim().Length == 0 || line.TrimStart().StartsWith('#')) continue;
            var indent = line.Length - line.TrimStart().Length;
            var content = line.Trim();
            while (stack.Count > 0 && stack[^1].Indent >= indent) stack.RemoveAt(stack.Count - 1);
            if (content.StartsWith("- ", StringComparison.Ordinal))
            {
                stack.Add((indent, $"[{items++}]"));
                content = content[2..].Trim();
                indent += 2;
            }
            var path = string.Join('/', stack.Select(s => s.Key));
            var colon = content.IndexOf(':');
            var isKey = colon > 0 && (colon == content.Length - 1 || content[colon + 1] == ' ') && !content.StartsWith('"');
            if (!isKey) entries.Add((path, Unquote(content)));
            else if (colon == content.Length - 1) stack.Add((indent, content[..colon]));
            else entries.Add(($"{path}/{content[..colon]}".TrimStart('/'), Unquote(content[(colon + 1)..].Trim())));
        }
        return entries;
    }

    private static string Unquote(string s) => s.Length >= 2 && s[0] == '"' && s[^1] == '"' ? s[1..^1] : s;

    [GeneratedRegex(@"\s+#(\s.*)?$")]
    private static partial Regex Comment();

    private static string[] Values(string pathPattern) =>
        Entries.Value.Where(e => Regex.IsMatch(e.Path, "^" + pathPattern + "$")).Select(e => e.Value).ToArray();

    private static string[] BotScopes => Values(@"oauth_config/scopes/bot/\[\d+\]");

    [Fact]
    public void EveryRequestUrlIsTheOneSlackEndpoint()
    {
        var urls = Values(@"features/slash_commands/\[\d+\]/url")
            .Concat(Values("settings/interactivity/request_url"))
            .Concat(Values("settings/event_subscriptions/request_url")).ToList();
        Assert.Equal(3, urls.Count);
        Assert.All(urls, u => Assert.EndsWith("/slack/events", u));
        Assert.Equal("/spe", Assert.Single(Values(@"features/slash_commands/\[\d+\]/command")));
        Assert.Equal("true", Values("settings/interactivity/is_enabled").Single());
    }

    [Fact]
    public void ShortcutsMatchTheCallbackIdsTheCodeHandles()
    {
        var shortcuts = Entries.Value.Where(e => e.Path.StartsWith("features/shortcuts/[", StringComparison.Ordinal))
            .GroupBy(e => e.Path.Split('/')[2])
            .ToDictionary(g => g.Single(e => e.Path.EndsWith("/callback_id")).Value, g => g.Single(e => e.Path.EndsWith("/type")).Value);
        Assert.Equal("message", shortcuts[SlackInteractions.MessageShortcut]);
        Assert.Equal("global", shortcuts[SlackInteractions.GlobalShortcut]);
        Assert.Equal("spe_capture_message", SlackInteractions.MessageShortcut);
        Assert.Equal("spe_propose_global", SlackInteractions.GlobalShortcut);
    }

    [Fact]
    public void SubscribesToTheEventsTheCodeHandles() =>
        Assert.Equal(["app_home_opened", "app_mention", "message.im", "reaction_added", "reaction_removed"],
            Values(@"settings/event_subscriptions/bot_events/\[\d+\]").Order().ToArray());

    [Fact]
    public void TheMessagesTabTakesMessagesSoADmGetsAnAnswer()
    {
        Assert.Equal("true", Values("features/app_home/messages_tab_enabled").Single());
        Assert.Equal("false", Values("features/app_home/messages_tab_read_only_enabled").Single());
    }

    [Fact]
    public void TheSourceScanFindsTheClientsMethods()
    {
        Assert.Contains("chat.postMessage", CalledMethods.Value);
        Assert.Contains("conversations.replies", CalledMethods.Value);
        Assert.Contains("files.completeUploadExternal", CalledMethods.Value);
        Assert.DoesNotContain("conversations.info", CalledMethods.Value);
    }

    [Fact]
    public void EveryMethodTheCodeCallsHasItsScopeDeclared()
    {
        var scopes = BotScopes;
        foreach (var method in CalledMethods.Value)
        {
            Assert.True(MethodScopes.TryGetValue(method, out var needed), $"{method} is called but has no scope mapping here");
            foreach (var scope in needed)
                Assert.True(scopes.Contains(scope), $"{method} needs {scope}, which the manifest does not request");
        }
        foreach (var ev in Values(@"settings/event_subscriptions/bot_events/\[\d+\]"))
        {
            Assert.True(EventScopes.TryGetValue(ev, out var needed), $"{ev} is subscribed but has no scope mapping here");
            foreach (var scope in needed) Assert.True(scopes.Contains(scope), $"{ev} needs {scope}, which the manifest does not request");
        }
        Assert.Contains("commands", scopes);
        Assert.Equal(scopes.Length, scopes.Distinct().Count());
    }

    [Fact]
    public void EveryDeclaredScopeIsUsedByAMethodAnEventOrTheCommand()
    {
        var used = CalledMethods.Value.SelectMany(m => MethodScopes.GetValueOrDefault(m) ?? [])
            .Concat(Values(@"settings/event_subscriptions/bot_events/\[\d+\]").SelectMany(e => EventScopes.GetValueOrDefault(e) ?? []))
            .ToHashSet();
        if (Values(@"features/slash_commands/\[\d+\]/command").Length + Values(@"features/shortcuts/\[\d+\]/callback_id").Length > 0) used.Add("commands");
        Assert.All(BotScopes, scope => Assert.True(used.Contains(scope), $"the manifest asks for {scope}, which no code path needs"));
        Assert.DoesNotContain("channels:read", BotScopes);
        Assert.DoesNotContain("groups:read", BotScopes);
        Assert.DoesNotContain("im:write", BotScopes);
    }

    [Fact]
    public async Task EveryWebApiMethodTheClientCallsHasAKnownScope()
    {
        await using var slack = await FakeSlackApi.StartAsync();
        slack.AddMessage("C1", "1.1", "hi", "U1");
        var api = new SlackWebApi(new HttpClient(), Options.Create(new SlackOptions { ApiBaseUrl = slack.BaseUrl, BotToken = "xoxb-t", SigningSecret = "s" }),
            TimeProvider.System, NullLogger<SlackWebApi>.Instance, new SlackMethodPauses());
        static System.Text.Json.Nodes.JsonObject View() => FakeSlackApi.MinimalModal();
        await api.PostMessageAsync("C1", "t", null);
        await api.PostEphemeralAsync("C1", "U1", "t", null);
        await api.UpdateAsync("C1", "1.1", "t", null);
        await api.GetPermalinkAsync("C1", "1.1");
        await api.OpenViewAsync("trig", View());
        await api.PushViewAsync("trig2", View());
        await api.UpdateViewAsync("V1", View());
        await api.PublishViewAsync("U1", new() { ["type"] = "home", ["blocks"] = new System.Text.Json.Nodes.JsonArray() });
        await api.UserInfoAsync("U1");
        await api.MessageAsync("C1", "1.1");
        await api.AddReactionAsync("C1", "1.1", "white_check_mark");
        await api.AuthTestUserIdAsync();
        await api.UploadFileAsync("C1", "x.csv", [1, 2, 3], "x.csv", "export", new HttpClient());

        // A new client method fails here until it is called above and its scope is listed.
        var declared = typeof(SlackWebApi).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Count(m => m.Name.EndsWith("Async", StringComparison.Ordinal));
        Assert.Equal(13, declared);
        Assert.All(slack.Calls.Select(c => c.Method).Distinct(), m => Assert.True(MethodScopes.ContainsKey(m), $"no scope mapping for {m}"));
        // What the client really sends is what the source scan finds.
        Assert.Equal(CalledMethods.Value, slack.Calls.Select(c => c.Method).Distinct().Order().ToArray());
    }
}

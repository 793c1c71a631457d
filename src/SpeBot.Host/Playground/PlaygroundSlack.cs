using System.Globalization;
using System.Text.Json.Nodes;

namespace SpeBot.Host.Playground;

public sealed record PlayPerson(string Id, string Name, string Locale, bool Maintainer);

/// <summary>A message in the playground's workspace: a channel post, a DM, or an ephemeral answer to one person.</summary>
public sealed class PlayMessage
{
    public required string Channel { get; init; }
    public required string Ts { get; init; }
    public required string User { get; init; }
    public string Text { get; set; } = "";
    public JsonArray? Blocks { get; set; }
    /// <summary>A reply in a thread: the parent's ts (Slack shows it under the parent, not in the channel).</summary>
    public string? ThreadTs { get; init; }
    /// <summary>Set for ephemeral messages: the only person who sees it.</summary>
    public string? OnlyFor { get; init; }
    /// <summary>Reaction name → who reacted, in order.</summary>
    public Dictionary<string, List<string>> Reactions { get; } = [];
}

/// <summary>An open modal: Slack's view id and hash, its JSON, and the field errors of the last submission.</summary>
public sealed class PlayView
{
    public required string Id { get; init; }
    public required string User { get; init; }
    public required string Channel { get; init; }
    public JsonObject View { get; set; } = new();
    public string Hash { get; set; } = "";
    public Dictionary<string, string> Errors { get; set; } = [];
}

/// <summary>
/// The playground's own Slack workspace, kept in memory: what SpeBot posted, updated, opened and published through the
/// Web API, and what the playground's people did. Every change bumps <see cref="Version"/>, which the page follows by SSE.
/// </summary>
public sealed partial class PlaygroundSlack(TimeProvider clock)
{
    /// <summary>The playground's own workspace: no real Slack team has this id, so its items never mix with a real one's.</summary>
    public const string TeamId = "T0PLAYGROUND";
    public const string Channel = "C0PLAYGROUND";
    public const string ChannelName = "playground";
    public const string BotUserId = "U0SPEBOT";
    public const string BotToken = "xoxb-playground";

    // One of them a maintainer; the third reads Japanese, so the page shows both catalogs.
    public static readonly IReadOnlyList<PlayPerson> People =
    [
        new("U0AIKO", "Aiko", "en", Maintainer: true),
        new("U0BEN", "Ben", "en", Maintainer: false),
        new("U0CHIE", "Chie", "ja", Maintainer: false),
    ];

    /// <summary>Slack: a trigger_id works once, within 3 seconds (https://docs.slack.dev/interactivity/handling-user-interaction#modal_responses).</summary>
    public static readonly TimeSpan TriggerLifetime = TimeSpan.FromSeconds(3);

    private readonly Lock _lock = new();
    private readonly List<PlayMessage> _messages = [];
    private readonly Dictionary<string, PlayView> _views = [];
    private readonly Dictionary<string, JsonObject> _home = [];
    private readonly Dictionary<string, (string User, string Channel, DateTimeOffset At)> _triggers = [];
    private readonly Dictionary<string, byte[]> _uploads = [];
    private long _version;
    private long _seq;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public long Version => Interlocked.Read(ref _version);

    public static PlayPerson? Person(string? id) => People.FirstOrDefault(p => p.Id == id);

    public static string DmOf(string userId) => "D" + userId[1..];

    public static string? UserOfDm(string channel) =>
        channel.StartsWith('D') ? People.FirstOrDefault(p => DmOf(p.Id) == channel)?.Id : null;

    /// <summary>Completes at the next change after <paramref name="seen"/> (at once if one already happened).</summary>
    public Task ChangedAfterAsync(long seen)
    {
        lock (_lock) return _version > seen ? Task.CompletedTask : _changed.Task;
    }

    private void Changed()
    {
        _version++;
        var done = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        done.SetResult();
    }

    /// <summary>Increasing, unique message timestamps in Slack's "seconds.micro" form.</summary>
    public string NextTs()
    {
        var n = Interlocked.Increment(ref _seq);
        return string.Create(CultureInfo.InvariantCulture, $"{clock.GetUtcNow().ToUnixTimeSeconds()}.{n % 1_000_000:D6}");
    }

    public string IssueTrigger(string user, string channel)
    {
        var id = $"{Interlocked.Increment(ref _seq)}.{Guid.NewGuid():N}";
        lock (_lock) _triggers[id] = (user, channel, clock.GetUtcNow());
        return id;
    }

    /// <summary>Null when the trigger is good (and now used up), else Slack's error.</summary>
    private string? UseTrigger(string? id, out string user, out string channel)
    {
        user = channel = "";
        if (id is null || !_triggers.Remove(id, out var t)) return "invalid_trigger_id";
        (user, channel) = (t.User, t.Channel);
        return clock.GetUtcNow() - t.At > TriggerLifetime ? "expired_trigger_id" : null;
    }

    public PlayMessage Post(string channel, string user, string text, JsonArray? blocks, string? onlyFor = null, string? threadTs = null)
    {
        var m = new PlayMessage { Channel = channel, Ts = NextTs(), User = user, Text = text, Blocks = blocks, OnlyFor = onlyFor, ThreadTs = threadTs };
        lock (_lock)
        {
            _messages.Add(m);
            Changed();
        }
        return m;
    }

    public PlayMessage? Find(string channel, string ts)
    {
        lock (_lock) return _messages.FirstOrDefault(m => m.Channel == channel && m.Ts == ts && m.OnlyFor is null);
    }

    /// <summary>Adds or removes one person's reaction; false when that changes nothing (Slack would not send an event).</summary>
    public bool React(string channel, string ts, string user, string name, bool add)
    {
        lock (_lock)
        {
            var m = _messages.FirstOrDefault(x => x.Channel == channel && x.Ts == ts && x.OnlyFor is null);
            if (m is null) return false;
            var who = m.Reactions.TryGetValue(name, out var list) ? list : m.Reactions[name] = [];
            var changed = add ? !who.Contains(user) : who.Remove(user);
            if (add && changed) who.Add(user);
            if (who.Count == 0) m.Reactions.Remove(name);
            if (changed) Changed();
            return changed;
        }
    }

    public PlayView? OpenView(string user) 
    {
        lock (_lock) return _views.Values.LastOrDefault(v => v.User == user);
    }

    public PlayView? View(string id)
    {
        lock (_lock) return _views.GetValueOrDefault(id);
    }

    public void CloseView(string id)
    {
        lock (_lock)
        {
            if (_views.Remove(id)) Changed();
        }
    }

    public void SetViewErrors(string id, Dictionary<string, string> errors)
    {
        lock (_lock)
        {
            if (_views.TryGetValue(id, out var v)) v.Errors = errors;
            Changed();
        }
    }

    public void ReplaceView(string id, JsonObject view)
    {
        lock (_lock)
        {
            if (!_views.TryGetValue(id, out var v)) return;
            v.View = view;
            v.Hash = NewHash();
            v.Errors = [];
            Changed();
        }
    }

    public JsonObject? Home(string user)
    {
        lock (_lock) return _home.GetValueOrDefault(user)?.DeepClone().AsObject();
    }

    /// <summary>What one person sees: the channel (with their ephemeral answers), their DMs, their Home and their open modal.</summary>
    public JsonObject State(string user)
    {
        lock (_lock)
        {
            JsonArray Of(IEnumerable<PlayMessage> ms) => new(ms.Select(m => (JsonNode)new JsonObject
            {
                ["channel"] = m.Channel, ["ts"] = m.Ts, ["user"] = m.User, ["text"] = m.Text, ["blocks"] = m.Blocks?.DeepClone(),
                ["ephemeral"] = m.OnlyFor is not null,
                ["thread_ts"] = m.ThreadTs,
                ["reactions"] = new JsonArray(m.Reactions.Select(r => (JsonNode)new JsonObject
                {
                    ["name"] = r.Key, ["count"] = r.Value.Count, ["mine"] = r.Value.Contains(user),
                    ["users"] = new JsonArray(r.Value.Select(u => (JsonNode)JsonValue.Create(u)).ToArray()),
                }).ToArray()),
            }).ToArray());
            var view = _views.Values.LastOrDefault(v => v.User == user);
            return new JsonObject
            {
                ["version"] = _version,
                ["user"] = user,
                ["channel"] = Of(_messages.Where(m => m.Channel == Channel && (m.OnlyFor is null || m.OnlyFor == user))),
                ["dms"] = Of(_messages.Where(m => m.Channel == DmOf(user) && (m.OnlyFor is null || m.OnlyFor == user))),
                ["home"] = _home.GetValueOrDefault(user)?.DeepClone(),
                ["modal"] = view is null ? null : new JsonObject
                {
                    ["id"] = view.Id, ["view"] = view.View.DeepClone(),
                    ["errors"] = new JsonObject(view.Errors.Select(e => KeyValuePair.Create(e.Key, (JsonNode?)JsonValue.Create(e.Value)))),
                },
            };
        }
    }

    private static string NewHash() => Guid.NewGuid().ToString("N")[..12];
}

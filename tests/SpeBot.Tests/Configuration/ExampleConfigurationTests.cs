using System.Collections;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SpeBot.Host.Configuration;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Configuration;

/// <summary>
/// appsettings.example.json and the README's configuration table list exactly the options SpeBot binds: every property
/// of every options class is in both, and every key in them is a property (so a renamed or removed option fails here).
/// </summary>
public sealed partial class ExampleConfigurationTests
{
    [Fact]
    public void EveryOptionIsInTheExample()
    {
        var missing = OptionKeys().Except(ExampleKeys(), StringComparer.Ordinal).ToList();

        Assert.True(missing.Count == 0, "Missing from appsettings.example.json: " + string.Join(", ", missing));
    }

    [Fact]
    public void EveryKeyOfTheExampleIsAnOption()
    {
        var unknown = ExampleKeys().Except(OptionKeys(), StringComparer.Ordinal).ToList();

        Assert.True(unknown.Count == 0, "In appsettings.example.json but bound by no options class: " + string.Join(", ", unknown));
    }

    [Fact]
    public void EveryOptionIsInTheReadmeTable()
    {
        var rows = ReadmeRows();
        var missing = OptionKeys().Where(key =>
        {
            var section = key.Split(':')[0];
            var leaf = key.Split(':')[^1];
            return !rows.Any(r => r.FirstCell.Contains($"`{section}:", StringComparison.Ordinal)
                                  && Regex.IsMatch(r.Text, $@"`(?:[A-Za-z]+:)*{Regex.Escape(leaf)}`"));
        }).ToList();

        Assert.True(missing.Count == 0, "Missing from the README's configuration table: " + string.Join(", ", missing));
    }

    [Fact]
    public void EveryKeyTheReadmeTableNamesIsAnOptionOrAHostKey()
    {
        var options = OptionKeys().ToHashSet(StringComparer.Ordinal);
        var named = ReadmeRows().SelectMany(r => FirstColumnKey().Matches(r.FirstCell).Select(m => m.Groups["key"].Value)).ToList();
        // A list of objects (Schedules:Entries) is named by its own key, its fields in the row's text.
        var unknown = named.Where(k => !options.Contains(k) && !options.Any(o => o.StartsWith(k + ":", StringComparison.Ordinal)) && !OptionSections.HostKeys.Contains(k.Split(':')[0], StringComparer.Ordinal)
                                       && k != "OTEL_EXPORTER_OTLP_ENDPOINT").ToList();

        Assert.NotEmpty(named);
        Assert.True(unknown.Count == 0, "The README's table names keys no options class binds: " + string.Join(", ", unknown));
    }

    [Fact]
    public void TheExampleHoldsOnlyPlaceholdersTheStartUpCheckRefusesForSecretsAndIds()
    {
        var json = JsonNode.Parse(RepoFiles.Read("appsettings.example.json"))!;

        foreach (var secret in new[] { json["Slack"]!["SigningSecret"], json["Slack"]!["BotToken"], json["Teams"]!["AppPassword"], json["Teams"]!["AppId"],
                                       json["Teams"]!["TenantId"], json["Schedules"]!["Entries"]![0]!["Workspace"], json["SpeBot"]!["Maintainers"]![0] })
            Assert.True(PlaceholderCheck.IsPlaceholder(secret!.GetValue<string>()), $"{secret} should be a placeholder the start-up check refuses");
    }

    /// <summary>Section:Property[:Property…] for every settable property; list elements and arrays add no index.</summary>
    internal static IEnumerable<string> OptionKeys() =>
        OptionSections.All.SelectMany(s => Keys(s.Options, s.Section)).Distinct().Order(StringComparer.Ordinal);

    private static IEnumerable<string> Keys(Type type, string prefix)
    {
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && p.SetMethod!.IsPublic))
        {
            var key = $"{prefix}:{p.Name}";
            var t = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
            // A map (GitHub:Labels) is one option whose keys are the user's own words.
            if (typeof(IDictionary).IsAssignableFrom(t))
            {
                yield return key;
                continue;
            }
            var element = t.IsArray ? t.GetElementType()! : t.IsGenericType && typeof(IEnumerable).IsAssignableFrom(t) ? t.GetGenericArguments()[0] : null;
            var inner = element ?? t;
            if (IsLeaf(inner)) yield return key;
            else foreach (var k in Keys(inner, key)) yield return k;
        }
    }

    private static bool IsLeaf(Type t) => t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(TimeSpan);

    internal static IEnumerable<string> ExampleKeys()
    {
        var json = JsonNode.Parse(RepoFiles.Read("appsettings.example.json"))!.AsObject();
        return json.Where(p => !OptionSections.HostKeys.Contains(p.Key, StringComparer.Ordinal))
            .SelectMany(p => Flatten(p.Value, p.Key)).Select(MapKey).Distinct().Order(StringComparer.Ordinal);
    }

    /// <summary>"GitHub:Labels:spe" is an entry of the map option "GitHub:Labels".</summary>
    private static string MapKey(string key) =>
        MapOptions.Value.FirstOrDefault(m => key.StartsWith(m + ":", StringComparison.Ordinal)) ?? key;

    private static readonly Lazy<string[]> MapOptions = new(() => OptionSections.All
        .SelectMany(s => s.Options.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => typeof(IDictionary).IsAssignableFrom(p.PropertyType)).Select(p => $"{s.Section}:{p.Name}")).ToArray());

    private static IEnumerable<string> Flatten(JsonNode? node, string prefix) => node switch
    {
        JsonObject o => o.SelectMany(p => Flatten(p.Value, $"{prefix}:{p.Key}")),
        JsonArray a when a.Any(e => e is JsonObject) => a.SelectMany(e => Flatten(e, prefix)),
        _ => [prefix],
    };

    private sealed record Row(string FirstCell, string Text);

    private static List<Row> ReadmeRows()
    {
        var lines = RepoFiles.Read("README.md").Split('\n');
        var start = Array.FindIndex(lines, l => l.StartsWith("| Key | Default | Meaning |", StringComparison.Ordinal));
        Assert.True(start >= 0, "README has no configuration table");
        return lines.Skip(start + 2).TakeWhile(l => l.StartsWith('|'))
            .Select(l => new Row(l.Split('|', StringSplitOptions.TrimEntries)[1], l)).ToList();
    }

    [GeneratedRegex(@"`(?<key>[A-Za-z_]+(?::[A-Za-z*]+)+)`")]
    private static partial Regex FirstColumnKey();
}

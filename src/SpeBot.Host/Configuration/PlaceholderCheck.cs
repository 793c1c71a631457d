namespace SpeBot.Host.Configuration;

/// <summary>
/// Refuses the example file's placeholders: a copy of appsettings.example.json left as it is must not turn Slack and
/// Teams on with fake secrets, or seed schedules for a workspace that does not exist. The example marks every value
/// that must be replaced: secrets read "set-with-&lt;environment variable&gt;", ids contain EXAMPLE, GUIDs are all zeros.
/// </summary>
public static class PlaceholderCheck
{
    private const string ZeroGuid = "00000000-0000-0000-0000-000000000000";

    public static bool IsPlaceholder(string? value) =>
        value is not null
        && (value.Contains("set-with-", StringComparison.Ordinal) || value.Contains("EXAMPLE", StringComparison.Ordinal)
            || value.Trim() == ZeroGuid);

    public static IEnumerable<string> Problems(IConfiguration configuration)
    {
        var sections = OptionSections.All.Select(s => s.Section).Append(UrlsCheck.Key);
        foreach (var section in sections)
        {
            var s = configuration.GetSection(section);
            var pairs = s.Value is not null ? [new KeyValuePair<string, string?>(section, s.Value)] : s.AsEnumerable();
            foreach (var (key, value) in pairs.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (!IsPlaceholder(value)) continue;
                yield return $"{key} still holds the example's placeholder: {Fix(key)}";
            }
        }
    }

    private static string Fix(string key)
    {
        var section = key.Split(':')[0];
        var variable = key.Replace(":", "__", StringComparison.Ordinal);
        return key.EndsWith("Secret", StringComparison.Ordinal) || key.EndsWith("Token", StringComparison.Ordinal) || key.EndsWith("Password", StringComparison.Ordinal)
            ? $"set the secret in the environment ({variable}) and delete the line from the file{(OptionSections.Switches.Contains(section) ? $", or remove the {section} section to run without {section}" : "")}."
            : $"replace it with your own value (or set {variable}){(OptionSections.Switches.Contains(section) ? $", or remove the {section} section to run without {section}" : ", or delete it")}.";
    }
}

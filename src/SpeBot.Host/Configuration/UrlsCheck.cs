using System.Globalization;
using System.Text.RegularExpressions;

namespace SpeBot.Host.Configuration;

/// <summary>
/// Urls must be addresses Kestrel can listen on. Kestrel's own parser is lenient: "http://127.0.0.1:notaport" made it
/// listen on every interface at port 80, so SpeBot checks the form first: scheme://host[:port][/], host being an IP,
/// [IPv6], a name, * or +, port 0–65535; several separated by ';'. Unix sockets (http://unix:/path) pass.
/// </summary>
public static partial class UrlsCheck
{
    public const string Key = "Urls";

    public static IEnumerable<string> Problems(string? urls)
    {
        if (urls is null) yield break;
        var parts = urls.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            yield return $"{Key} is empty: give at least one address, e.g. http://127.0.0.1:5080.";
            yield break;
        }
        foreach (var url in parts)
        {
            if (!IsListenable(url))
                yield return $"{Key}: '{url}' is not an address to listen on: write scheme://host:port, e.g. http://127.0.0.1:5080 (several separated by ';').";
        }
    }

    internal static bool IsListenable(string url)
    {
        if (UnixSocket().IsMatch(url)) return true;
        var m = Address().Match(url);
        if (!m.Success) return false;
        return !m.Groups["port"].Success
               || int.TryParse(m.Groups["port"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65_535;
    }

    [GeneratedRegex(@"^https?://(\[[0-9A-Fa-f:.%]+\]|[A-Za-z0-9.\-]+|\*|\+)(:(?<port>[0-9]{1,5}))?/?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Address();

    [GeneratedRegex(@"^https?://unix:/.+$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UnixSocket();
}

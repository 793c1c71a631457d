namespace SpeBot.Host.Teams;

/// <summary>Where bearer tokens may go: only Connector hosts on the allow-list, never a URL an attacker put in an activity.</summary>
public static class ServiceUrls
{
    public static bool IsAllowed(string? serviceUrl, TeamsOptions options)
    {
        if (!Uri.TryCreate(serviceUrl, UriKind.Absolute, out var url)) return false;
        if (url.Scheme != Uri.UriSchemeHttps && !url.IsLoopback) return false;
        foreach (var allowed in options.AllowedServiceUrls)
        {
            if (!Uri.TryCreate(allowed, UriKind.Absolute, out var a)) continue;
            if (string.Equals(a.Scheme, url.Scheme, StringComparison.OrdinalIgnoreCase)
                && string.Equals(a.Host, url.Host, StringComparison.OrdinalIgnoreCase) && a.Port == url.Port
                && url.AbsolutePath.StartsWith(a.AbsolutePath, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }

    /// <summary>The Connector base: the serviceUrl without its trailing '/'.</summary>
    public static string Base(string serviceUrl) => serviceUrl.TrimEnd('/');

    /// <summary>"19:…@thread.tacv2;messageid=123" → "19:…@thread.tacv2": cards, votes and references key on the channel.</summary>
    public static string BaseConversation(string conversationId)
    {
        var cut = conversationId.IndexOf(";messageid=", StringComparison.OrdinalIgnoreCase);
        return cut < 0 ? conversationId : conversationId[..cut];
    }
}

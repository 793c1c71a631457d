namespace SpeBot.Tests.Slack;

/// <summary>manifests/slack/manifest.socket.yaml: the same app as manifest.yaml, in Socket Mode and without URLs.</summary>
public sealed partial class ManifestTests
{
    private static readonly Lazy<List<(string Path, string Value)>> SocketEntries = new(() =>
        Parse(File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "manifests", "slack", "manifest.socket.yaml"))));

    private static bool IsUrl(string path) => path.EndsWith("/url", StringComparison.Ordinal) || path.EndsWith("request_url", StringComparison.Ordinal);

    [Fact]
    public void SocketManifestTurnsOnSocketModeAndTheHttpOneDoesNot()
    {
        Assert.Equal("true", SocketEntries.Value.Single(e => e.Path == "settings/socket_mode_enabled").Value);
        Assert.Equal("false", Entries.Value.Single(e => e.Path == "settings/socket_mode_enabled").Value);
    }

    [Fact]
    public void SocketManifestHasNoUrls()
    {
        // Socket Mode ignores request URLs; leaving one in would send a reader looking for a public host they do not need.
        Assert.DoesNotContain(SocketEntries.Value, e => IsUrl(e.Path));
        Assert.DoesNotContain(SocketEntries.Value, e => e.Value.Contains("://", StringComparison.Ordinal));
    }

    [Fact]
    public void SocketManifestIsOtherwiseTheSameAppAsTheHttpOne()
    {
        // Same scopes, events, command, shortcuts, App Home and names: only the URLs and the Socket Mode switch differ.
        static List<(string, string)> Comparable(IEnumerable<(string Path, string Value)> entries) =>
            entries.Where(e => !IsUrl(e.Path) && e.Path != "settings/socket_mode_enabled")
                // List items are numbered across the file; dropping the URLs shifts no numbers, but compare by value anyway.
                .Select(e => (System.Text.RegularExpressions.Regex.Replace(e.Path, @"\[\d+\]", "[]"), e.Value)).ToList();

        Assert.Equal(Comparable(Entries.Value), Comparable(SocketEntries.Value));
        Assert.Contains(SocketEntries.Value, e => e.Path.StartsWith("oauth_config/scopes/bot/", StringComparison.Ordinal));
        Assert.Contains(SocketEntries.Value, e => e.Path.EndsWith("/callback_id", StringComparison.Ordinal) && e.Value == "spe_capture_message");
    }
}

using SpeBot.Host.Configuration;

namespace SpeBot.Tests.Configuration;

public sealed class UrlsAndPlaceholderTests
{
    [Theory]
    [InlineData("http://127.0.0.1:5080")]
    [InlineData("https://0.0.0.0:443")]
    [InlineData("http://[::1]:5080")]
    [InlineData("http://*:8080")]
    [InlineData("http://+:80")]
    [InlineData("http://localhost")]
    [InlineData("http://spebot.internal:5080/")]
    [InlineData("http://127.0.0.1:0")]
    [InlineData("http://unix:/run/spebot.sock")]
    [InlineData("http://127.0.0.1:5080;http://[::1]:5080")]
    public void AddressesKestrelListensOnPass(string urls) => Assert.Empty(UrlsCheck.Problems(urls));

    [Theory]
    [InlineData("http://127.0.0.1:notaport")]
    [InlineData("http://127.0.0.1:70000")]
    [InlineData("127.0.0.1:5080")]
    [InlineData("ftp://127.0.0.1:21")]
    [InlineData("http://127.0.0.1:5080;nonsense")]
    [InlineData(";")]
    public void AnythingElseIsOneProblemNamingUrls(string urls)
    {
        var problem = Assert.Single(UrlsCheck.Problems(urls));
        Assert.StartsWith("Urls", problem, StringComparison.Ordinal);
        Assert.Contains("http://127.0.0.1:5080", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("set-with-Slack__SigningSecret", true)]
    [InlineData("xoxb-set-with-Slack__BotToken", true)]
    [InlineData("00000000-0000-0000-0000-000000000000", true)]
    [InlineData("T0EXAMPLE", true)]
    [InlineData("xoxb-1234-5678-abcdef", false)]
    [InlineData("3f2504e0-4f89-11d3-9a0c-0305e82c3301", false)]
    [InlineData("T0123TEAM", false)]
    public void ExamplePlaceholdersAreRecognised(string value, bool placeholder) => Assert.Equal(placeholder, PlaceholderCheck.IsPlaceholder(value));
}

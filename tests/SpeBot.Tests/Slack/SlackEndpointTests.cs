using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Slack;

public sealed class SmallBodyHost : SlackHostFixture
{
    public const int MaxBodyBytes = 2048;
    protected override Dictionary<string, string?> Settings => new() { ["Slack:MaxBodyBytes"] = MaxBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture) };
}

/// <summary>POST /slack/events: verification, dispatch by media type, and the answers Slack expects.</summary>
public sealed class SlackEndpointTests(SmallBodyHost host) : IClassFixture<SmallBodyHost>
{
    private readonly HttpClient _client = host.Client;

    private static async Task AssertEmpty401Async(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task ValidSignedCommandIsAnswered()
    {
        var response = await _client.SendAsync(SignedSlackRequest.Command("help"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task TamperedBodyIsRejectedWithAnEmpty401()
    {
        var request = SignedSlackRequest.Command("help");
        var body = await request.Content!.ReadAsStringAsync();
        var tampered = new ByteArrayContent(Encoding.UTF8.GetBytes(body.Replace("help", "lang+ja", StringComparison.Ordinal)));
        tampered.Headers.ContentType = request.Content.Headers.ContentType;
        request.Content = tampered;
        await AssertEmpty401Async(await _client.SendAsync(request));
    }

    [Fact]
    public async Task RequestSignedWithAnotherSecretIsRejectedWithAnEmpty401() =>
        await AssertEmpty401Async(await _client.SendAsync(SignedSlackRequest.Signed("command=%2Fspe&text=help&team_id=T1&channel_id=C1&user_id=U1",
            "application/x-www-form-urlencoded", secret: "not-the-signing-secret")));

    [Fact]
    public async Task SlashCommandWithStaleTimestampIsRejected() =>
        await AssertEmpty401Async(await _client.SendAsync(SignedSlackRequest.Command("help", at: DateTimeOffset.UtcNow.AddMinutes(-10))));

    [Fact]
    public async Task SlashCommandFromTheFutureIsRejected() =>
        await AssertEmpty401Async(await _client.SendAsync(SignedSlackRequest.Command("help", at: DateTimeOffset.UtcNow.AddMinutes(10))));

    [Theory]
    [InlineData("X-Slack-Signature")]
    [InlineData("X-Slack-Request-Timestamp")]
    public async Task RequestWithoutASignatureHeaderIsRejectedWithAnEmpty401(string header)
    {
        var request = SignedSlackRequest.Command("help");
        request.Headers.Remove(header);
        await AssertEmpty401Async(await _client.SendAsync(request));
    }

    [Theory]
    [InlineData("X-Slack-Signature", "v1=0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("X-Slack-Signature", "v0=abc")]
    [InlineData("X-Slack-Request-Timestamp", "yesterday")]
    public async Task RequestWithAMalformedSignatureHeaderIsRejectedWithAnEmpty401(string header, string value)
    {
        var request = SignedSlackRequest.Command("help");
        request.Headers.Remove(header);
        request.Headers.TryAddWithoutValidation(header, value);
        await AssertEmpty401Async(await _client.SendAsync(request));
    }

    [Fact]
    public async Task UrlVerificationEchoesTheChallenge()
    {
        var response = await _client.SendAsync(SignedSlackRequest.Json(new { token = "t", challenge = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", type = "url_verification" }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", json["challenge"]!.GetValue<string>());
    }

    [Fact]
    public async Task UnsignedUrlVerificationIsRejected()
    {
        var request = SignedSlackRequest.Json(new { challenge = "c", type = "url_verification" });
        request.Headers.Remove("X-Slack-Signature");
        await AssertEmpty401Async(await _client.SendAsync(request));
    }

    [Fact]
    public async Task SslCheckIsAnsweredWithoutWork()
    {
        var before = host.Slack.Calls.Count;
        var request = new HttpRequestMessage(HttpMethod.Post, "/slack/events")
        {
            Content = new StringContent("ssl_check=1&token=legacy", Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(before, host.Slack.Calls.Count);
    }

    [Fact]
    public async Task BodyOverTheCapIsRejectedWith413()
    {
        var text = new string('a', SmallBodyHost.MaxBodyBytes);
        var response = await _client.SendAsync(SignedSlackRequest.Command("propose " + text));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task StreamedBodyWithoutLengthOverTheCapIsRejectedWith413()
    {
        var request = SignedSlackRequest.Command("propose " + new string('b', SmallBodyHost.MaxBodyBytes));
        var streamed = new UnknownLengthContent(await request.Content!.ReadAsByteArrayAsync());
        streamed.Headers.ContentType = request.Content.Headers.ContentType;
        request.Content = streamed;
        var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    /// <summary>A body without Content-Length, so the cap is enforced while reading rather than from the header.</summary>
    private sealed class UnknownLengthContent(byte[] bytes) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => stream.WriteAsync(bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    [Fact]
    public async Task StreamedBodyWithoutLengthUnderTheCapIsAccepted()
    {
        var request = SignedSlackRequest.Command("help");
        var streamed = new UnknownLengthContent(await request.Content!.ReadAsByteArrayAsync());
        streamed.Headers.ContentType = request.Content.Headers.ContentType;
        request.Content = streamed;
        Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task JapaneseAndEmojiCommandIsVerifiedOnItsUtf8BytesAndStoredIntact()
    {
        var response = await _client.SendAsync(SignedSlackRequest.Command("propose B2棟のフィルター交換 🎉"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("B2棟のフィルター交換 🎉", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["text"]!.GetValue<string>());
        Assert.Equal("B2棟のフィルター交換 🎉", host.Db.Scalar<string>("SELECT title FROM items ORDER BY id DESC LIMIT 1"));
    }

    [Fact]
    public async Task UnknownContentTypeIsABadRequest()
    {
        var response = await _client.SendAsync(SignedSlackRequest.Signed("command=/spe&text=help", "text/plain"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task MalformedInteractionPayloadIsABadRequest()
    {
        var response = await _client.SendAsync(SignedSlackRequest.Form(new Dictionary<string, string> { ["payload"] = "{\"type\":\"block_actions\",," }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("team_id")]
    [InlineData("user_id")]
    [InlineData("text")]
    [InlineData("payload")]
    public async Task FormWithARepeatedFieldIsABadRequestAndStoresNothing(string field)
    {
        var fields = new List<KeyValuePair<string, string>>
        {
            new("team_id", "T0001"), new("channel_id", "C100"), new("user_id", "U111"), new("command", "/spe"),
            new("text", "propose Repeated field probe"), new("response_url", "https://hooks.slack.com/commands/T1/1/abc"),
        };
        if (field == "payload") fields = [new("payload", "{\"type\":\"shortcut\"}"), new("payload", "{}")];
        else fields.Add(new(field, field == "team_id" ? "T0002" : "again"));
        var workspaces = host.Db.Scalar<long>("SELECT COUNT(*) FROM workspaces");

        var response = await _client.SendAsync(SignedSlackRequest.Form(fields));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, host.Db.Scalar<long>("SELECT COUNT(*) FROM items WHERE title LIKE 'Repeated field probe%'"));
        Assert.Equal(workspaces, host.Db.Scalar<long>("SELECT COUNT(*) FROM workspaces"));
    }

    [Fact]
    public async Task MalformedEventJsonIsABadRequest()
    {
        var response = await _client.SendAsync(SignedSlackRequest.Signed("{\"type\":\"event_callback\",", "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("application/x-www-form-urlencoded; charset=utf-8")]
    [InlineData("Application/X-WWW-Form-Urlencoded")]
    public async Task FormContentTypeWithParametersOrOtherCaseStillWorks(string contentType)
    {
        var request = SignedSlackRequest.Command("help");
        request.Content!.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("/spe propose", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task JsonContentTypeWithCharsetStillWorks()
    {
        var response = await _client.SendAsync(SignedSlackRequest.Signed("{\"type\":\"url_verification\",\"challenge\":\"xyz\"}", "application/json; charset=utf-8"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("xyz", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["challenge"]!.GetValue<string>());
    }

    [Fact]
    public async Task UnknownEventTypeIsAcknowledged()
    {
        var response = await _client.SendAsync(SignedSlackRequest.Json(new { type = "something_new", team_id = "T1" }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}

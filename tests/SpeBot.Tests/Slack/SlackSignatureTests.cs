using System.Security.Cryptography;
using System.Text;
using SpeBot.Host.Slack;

namespace SpeBot.Tests.Slack;

/// <summary>SlackSignature as a pure function, starting from Slack's documented worked example.</summary>
public sealed class SlackSignatureTests
{
    private const string Secret = "8f742231b10e8888abcd99yyyzzz85a5";
    private const string Timestamp = "1531420618";
    private const string ExampleBody =
        "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar" +
        "&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com" +
        "%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    private const string ExampleSignature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

    private static readonly DateTimeOffset SignedAt = DateTimeOffset.FromUnixTimeSeconds(1531420618);
    private static byte[] Body => Encoding.UTF8.GetBytes(ExampleBody);

    private static SignatureCheck Check(DateTimeOffset now, string? timestamp = Timestamp, string? signature = ExampleSignature,
        byte[]? body = null, string secret = Secret) =>
        SlackSignature.Check(body ?? Body, timestamp, signature, secret, now);

    [Fact]
    public void SlacksWorkedExampleSignsToTheDocumentedValue() =>
        Assert.Equal(ExampleSignature, SlackSignature.Sign(Body, Timestamp, Secret));

    [Fact]
    public void SlacksWorkedExampleIsValid() => Assert.Equal(SignatureCheck.Valid, Check(SignedAt));

    [Fact]
    public void RequestOlderThanFiveMinutesIsStale() => Assert.Equal(SignatureCheck.Stale, Check(SignedAt.AddSeconds(301)));

    [Fact]
    public void RequestMoreThanFiveMinutesInTheFutureIsRejected() => Assert.Equal(SignatureCheck.Stale, Check(SignedAt.AddSeconds(-301)));

    [Theory]
    [InlineData(300)]
    [InlineData(-300)]
    public void RequestExactlyAtTheWindowEdgeIsStillValid(int offsetSeconds) =>
        Assert.Equal(SignatureCheck.Valid, Check(SignedAt.AddSeconds(offsetSeconds)));

    [Fact]
    public void StaleCheckComesBeforeTheMacSoAnOldValidSignatureIsStillRejected() =>
        Assert.Equal(SignatureCheck.Stale, Check(SignedAt.AddDays(1)));

    [Fact]
    public void TamperedBodyIsAMismatch()
    {
        var tampered = Encoding.UTF8.GetBytes(ExampleBody.Replace("roadrunner", "coyote", StringComparison.Ordinal));
        Assert.Equal(SignatureCheck.Mismatch, Check(SignedAt, body: tampered));
    }

    [Fact]
    public void TrailingNewlineIsAMismatch() =>
        Assert.Equal(SignatureCheck.Mismatch, Check(SignedAt, body: Encoding.UTF8.GetBytes(ExampleBody + "\n")));

    [Fact]
    public void DifferentTimestampHeaderIsAMismatch() =>
        Assert.Equal(SignatureCheck.Mismatch, Check(SignedAt, timestamp: "1531420619"));

    [Fact]
    public void WrongSecretIsAMismatch() => Assert.Equal(SignatureCheck.Mismatch, Check(SignedAt, secret: Secret + "x"));

    [Fact]
    public void UppercaseHexSignatureIsAMismatch() =>
        Assert.Equal(SignatureCheck.Mismatch, Check(SignedAt, signature: "v0=" + ExampleSignature[3..].ToUpperInvariant()));

    [Fact]
    public void NonAsciiBodyIsHashedAsItsUtf8Bytes()
    {
        const string text = "text=%E6%8F%90%E6%A1%88&title=フィルター交換 🎉 B2棟";
        var utf8 = Encoding.UTF8.GetBytes(text);
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(Secret));
        var prefix = Encoding.ASCII.GetBytes($"v0:{Timestamp}:");
        var independent = "v0=" + Convert.ToHexStringLower(hmac.ComputeHash([.. prefix, .. utf8]));

        Assert.Equal(independent, SlackSignature.Sign(utf8, Timestamp, Secret));
        Assert.Equal(SignatureCheck.Valid, Check(SignedAt, signature: independent, body: utf8));
    }

    [Fact]
    public void NonAsciiBodySignedOverAnotherEncodingIsAMismatch()
    {
        const string text = "title=日本語のタイトル 🎉";
        var utf16Signature = SlackSignature.Sign(Encoding.Unicode.GetBytes(text), Timestamp, Secret);
        Assert.Equal(SignatureCheck.Mismatch, Check(SignedAt, signature: utf16Signature, body: Encoding.UTF8.GetBytes(text)));
    }

    [Fact]
    public void EmptySecretRejectsEverything() => Assert.Equal(SignatureCheck.NoSecret, Check(SignedAt, secret: ""));

    [Theory]
    [InlineData(null, ExampleSignature)]
    [InlineData("", ExampleSignature)]
    [InlineData(Timestamp, null)]
    [InlineData(Timestamp, "")]
    public void MissingHeaderIsRejectedAsMissing(string? timestamp, string? signature) =>
        Assert.Equal(SignatureCheck.Missing, Check(SignedAt, timestamp, signature));

    [Theory]
    [InlineData("a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503")] // no v0=
    [InlineData("v1=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503")] // other version
    [InlineData("v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b50")] // one short
    [InlineData("v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b5033")] // one long
    [InlineData("v0=")]
    public void MalformedSignatureHeaderIsRejected(string signature) =>
        Assert.Equal(SignatureCheck.Malformed, Check(SignedAt, signature: signature));

    [Theory]
    [InlineData("abc")]
    [InlineData("-1531420618")]
    [InlineData("1531420618.5")]
    [InlineData(" 1531420618")]
    [InlineData("99999999999999999999999")]
    public void MalformedTimestampHeaderIsRejected(string timestamp) =>
        Assert.Equal(SignatureCheck.Malformed, Check(SignedAt, timestamp: timestamp));
}

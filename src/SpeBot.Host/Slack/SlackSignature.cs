using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SpeBot.Host.Slack;

public enum SignatureCheck { Valid, Missing, Malformed, Stale, Mismatch, NoSecret }

/// <summary>Slack's v0 request signature: HMAC-SHA256 over "v0:{timestamp}:{raw body}", five minutes either side.</summary>
public static class SlackSignature
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    public static SignatureCheck Check(ReadOnlySpan<byte> body, string? timestamp, string? signature, string secret, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(secret)) return SignatureCheck.NoSecret;
        if (string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature)) return SignatureCheck.Missing;
        if (!signature.StartsWith("v0=", StringComparison.Ordinal) || signature.Length != 67
            || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var ts))
            return SignatureCheck.Malformed;
        if (Math.Abs(now.ToUnixTimeSeconds() - ts) > Window.TotalSeconds) return SignatureCheck.Stale;

        var expected = Encoding.ASCII.GetBytes(Sign(body, timestamp, secret));
        var given = Encoding.ASCII.GetBytes(signature);
        return CryptographicOperations.FixedTimeEquals(expected, given) ? SignatureCheck.Valid : SignatureCheck.Mismatch;
    }

    /// <summary>The header value Slack would send; tests and the benchmark sign with it too.</summary>
    public static string Sign(ReadOnlySpan<byte> body, string timestamp, string secret)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(Encoding.ASCII.GetBytes($"v0:{timestamp}:"));
        hmac.AppendData(body);
        return "v0=" + Convert.ToHexStringLower(hmac.GetHashAndReset());
    }
}

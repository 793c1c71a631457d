using System.Security.Cryptography;
using System.Text;

namespace SpeBot.Host.GitHub;

/// <summary>
/// X-Hub-Signature-256: "sha256=" + hex HMAC-SHA256 of the raw body with the webhook secret, compared in constant time
/// (https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries). Fails closed.
/// </summary>
internal static class GitHubSignature
{
    private const string Prefix = "sha256=";

    public static bool IsValid(string secret, ReadOnlySpan<byte> body, string? header)
    {
        if (string.IsNullOrEmpty(secret) || header is null || !header.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        var hex = header.AsSpan(Prefix.Length);
        if (hex.Length != 64) return false;
        Span<byte> given = stackalloc byte[32];
        for (var i = 0; i < 32; i++)
        {
            if (!byte.TryParse(hex.Slice(i * 2, 2), System.Globalization.NumberStyles.AllowHexSpecifier, null, out given[i])) return false;
        }
        Span<byte> expected = stackalloc byte[32];
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body, expected);
        return CryptographicOperations.FixedTimeEquals(given, expected);
    }

    /// <summary>The header value GitHub would send for this body (tests and tooling).</summary>
    public static string Sign(string secret, ReadOnlySpan<byte> body) =>
        Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
}

using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace SpeBot.Host.Teams;

public enum AuthResult { Valid, Unauthorized, Forbidden }

/// <summary>
/// The Bot Connector's JWT, checked in the order of teams-platform.md §2: IdentityModel covers format, algorithm,
/// issuer, audience, lifetime and signature; endorsement, serviceurl and channel are checked here by hand,
/// because a token from an unendorsed key or for another serviceUrl still passes the library.
/// </summary>
public sealed partial class BotFrameworkAuth
{
    public const string Issuer = "https://api.botframework.com";
    public const string Channel = "msteams";

    private readonly ConfigurationManager<OpenIdConnectConfiguration> _metadata;
    private readonly TeamsOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<BotFrameworkAuth> _log;
    private readonly JsonWebTokenHandler _handler = new();

    public BotFrameworkAuth(IOptions<TeamsOptions> options, TimeProvider clock, ILogger<BotFrameworkAuth> log)
    {
        _options = options.Value;
        _clock = clock;
        _log = log;
        var loopback = Uri.TryCreate(_options.OpenIdMetadataUrl, UriKind.Absolute, out var u) && u.IsLoopback;
        // One cached manager: keys refresh every 12 h (inside the 24 h rule) and, for an unknown kid, at most every 5 min.
        _metadata = new ConfigurationManager<OpenIdConnectConfiguration>(_options.OpenIdMetadataUrl,
            new OpenIdConnectConfigurationRetriever(), new HttpDocumentRetriever { RequireHttps = !loopback });
    }

    public async Task<AuthResult> ValidateAsync(string? authorization, Activity activity, CancellationToken ct)
    {
        if (!ServiceUrls.IsAllowed(activity.ServiceUrl, _options)) return Reject("serviceUrl not in Teams:AllowedServiceUrls");
        if (_options.AllowUnauthenticated)
            return string.IsNullOrEmpty(authorization) && activity.ChannelId == Channel ? AuthResult.Valid : Reject("token sent in anonymous mode");
        if (authorization is null || !authorization.StartsWith("Bearer ", StringComparison.Ordinal)) return Reject("no bearer token");
        var raw = authorization["Bearer ".Length..].Trim();
        if (!_handler.CanReadToken(raw)) return Reject("malformed token");

        var parameters = new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidAudience = _options.AppId,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512],
            ClockSkew = TimeSpan.FromMinutes(5),
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateIssuerSigningKey = true,
            ConfigurationManager = _metadata,
            LifetimeValidator = (nbf, exp, _, p) => Lifetime(nbf, exp, p.ClockSkew),
        };
        var result = await _handler.ValidateTokenAsync(raw, parameters);
        if (!result.IsValid) return Reject(result.Exception?.GetType().Name ?? "invalid token");
        var token = (JsonWebToken)result.SecurityToken;

        var config = await _metadata.GetConfigurationAsync(ct);
        if (!KeyEndorses(config.JsonWebKeySet, token.Kid, activity.ChannelId))
        {
            LogRejected(_log, "signing key does not endorse the channel", 403);
            return AuthResult.Forbidden;
        }
        if (!token.TryGetPayloadValue<string>("serviceurl", out var claimed) || !SameServiceUrl(claimed, activity.ServiceUrl))
            return Reject("serviceurl claim does not match the activity");
        if (activity.ChannelId != Channel) return Reject("channel is not msteams");
        if (_options.AllowedTenants.Length > 0 && !_options.AllowedTenants.Contains(activity.TenantId ?? "", StringComparer.OrdinalIgnoreCase))
            return Reject("tenant not allowed");
        return AuthResult.Valid;
    }

    /// <summary>nbf/exp against TimeProvider (the only clock), with the skew.</summary>
    private bool Lifetime(DateTime? notBefore, DateTime? expires, TimeSpan skew)
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        if (expires is null || expires.Value.ToUniversalTime() < now - skew) return false;
        return notBefore is null || notBefore.Value.ToUniversalTime() <= now + skew;
    }

    /// <summary>The JWK that signed (found by kid) must list the channel in its endorsements.</summary>
    internal static bool KeyEndorses(JsonWebKeySet? keys, string? kid, string? channelId)
    {
        if (keys is null || kid is null || channelId is null) return false;
        var key = keys.Keys.FirstOrDefault(k => k.Kid == kid);
        if (key is null || !key.AdditionalData.TryGetValue("endorsements", out var raw)) return false;
        return raw switch
        {
            JsonElement { ValueKind: JsonValueKind.Array } a => a.EnumerateArray().Any(e => e.ValueKind == JsonValueKind.String && e.GetString() == channelId),
            IEnumerable<object> list => list.Any(e => e?.ToString() == channelId),
            _ => false,
        };
    }

    /// <summary>Scheme, host and port case-insensitive; paths equal after trimming a trailing '/'.</summary>
    internal static bool SameServiceUrl(string? claimed, string? actual)
    {
        if (!Uri.TryCreate(claimed, UriKind.Absolute, out var a) || !Uri.TryCreate(actual, UriKind.Absolute, out var b)) return false;
        return string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase)
            && a.Port == b.Port
            && string.Equals(a.AbsolutePath.TrimEnd('/'), b.AbsolutePath.TrimEnd('/'), StringComparison.Ordinal);
    }

    private AuthResult Reject(string reason)
    {
        LogRejected(_log, reason, 401);
        return AuthResult.Unauthorized;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Teams request rejected ({Status}): {Reason}")]
    private static partial void LogRejected(ILogger log, string reason, int status);
}

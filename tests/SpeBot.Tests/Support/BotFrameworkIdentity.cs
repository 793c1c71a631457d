using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace SpeBot.Tests.Support;

/// <summary>One call SpeBot made to the fake Bot Connector.</summary>
public sealed record ConnectorCall(string Method, string Path, JsonObject Body, string? Authorization, DateTimeOffset At)
{
    public string Text => Body.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}

/// <summary>One PUT SpeBot made to the fake OneDrive upload URL of a file consent.</summary>
public sealed record UploadCall(string Path, byte[] Content, string? ContentRange, string? Authorization, int Status);

/// <summary>A scripted Connector answer.</summary>
public sealed record ConnectorAnswer(int Status, JsonObject? Json = null, int? RetryAfterSeconds = null);

/// <summary>
/// The Bot Framework side on loopback: OpenID metadata and a JWKS whose keys carry `endorsements`, a local RSA key
/// that mints Connector tokens, and a fake Connector at /connector/ that records calls.
/// </summary>
public sealed class BotFrameworkIdentity : IAsyncDisposable
{
    public const string AppId = "6f1c7a52-3c1e-4f4e-9a59-2f5c2b0d7a11";
    public const string TenantId = "8a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d";
    public const string Issuer = "https://api.botframework.com";
    public const string EndorsedKid = "teams-key";
    public const string UnendorsedKid = "skype-key";

    private readonly WebApplication _app;
    private readonly RSA _endorsed = RSA.Create(2048);
    private readonly RSA _unendorsed = RSA.Create(2048);
    private readonly ConcurrentQueue<ConnectorAnswer> _script = new();
    private readonly ConcurrentQueue<int> _uploadScript = new();
    private long _next = 1_700_000_000_000;

    public ConcurrentQueue<ConnectorCall> Calls { get; } = new();
    public ConcurrentQueue<UploadCall> Uploads { get; } = new();

    /// <summary>The uploadUrl a file consent's accept carries (in Teams: a OneDrive upload session of the person).</summary>
    public string UploadUrl(string name) => $"{BaseUrl}/upload/{name}";

    /// <summary>Statuses the next uploads answer with (else 201 when the request is well formed).</summary>
    public void ScriptUpload(params int[] statuses)
    {
        foreach (var s in statuses) _uploadScript.Enqueue(s);
    }
    public string BaseUrl { get; private set; } = "";
    public string ServiceUrl => BaseUrl + "/connector/";
    public string MetadataUrl => BaseUrl + "/v1/.well-known/openidconfiguration";

    private BotFrameworkIdentity(WebApplication app) => _app = app;

    public static async Task<BotFrameworkIdentity> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new BotFrameworkIdentity(app);
        app.MapGet("/v1/.well-known/openidconfiguration", () => Results.Json(new JsonObject
        {
            ["issuer"] = Issuer, ["jwks_uri"] = fake.BaseUrl + "/v1/.well-known/keys",
            ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
        }));
        app.MapGet("/v1/.well-known/keys", () => Results.Json(new JsonObject
        {
            ["keys"] = new JsonArray(Jwk(fake._endorsed, EndorsedKid, "msteams"), Jwk(fake._unendorsed, UnendorsedKid, "skype")),
        }));
        app.Map("/connector/{**path}", (HttpContext http, string path) => fake.ConnectorAsync(http, path));
        app.MapPut("/upload/{name}", (HttpContext http, string name) => fake.UploadAsync(http, name));
        await app.StartAsync();
        fake.BaseUrl = app.Urls.First();
        return fake;
    }

    public void Script(params ConnectorAnswer[] answers)
    {
        foreach (var a in answers) _script.Enqueue(a);
    }

    public IReadOnlyList<ConnectorCall> CallsTo(string method, string pathPrefix) =>
        Calls.Where(c => c.Method == method && c.Path.StartsWith(pathPrefix, StringComparison.Ordinal)).ToList();

    /// <summary>A Connector token; every part can be spoiled for the rejection tests.</summary>
    public string Token(string? serviceUrl = null, string audience = AppId, string issuer = Issuer, DateTimeOffset? expires = null,
        string kid = EndorsedKid, bool forge = false)
    {
        var rsa = forge ? RSA.Create(2048) : kid == UnendorsedKid ? _unendorsed : _endorsed;
        var now = DateTimeOffset.UtcNow;
        var exp = expires ?? now.AddMinutes(30);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer, Audience = audience,
            IssuedAt = exp.AddMinutes(-40).UtcDateTime, NotBefore = exp.AddMinutes(-40).UtcDateTime, Expires = exp.UtcDateTime,
            Claims = new Dictionary<string, object> { ["serviceurl"] = serviceUrl ?? ServiceUrl },
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = kid }, SecurityAlgorithms.RsaSha256),
        });
    }

    private static JsonObject Jwk(RSA rsa, string kid, string endorsement)
    {
        var p = rsa.ExportParameters(false);
        return new JsonObject
        {
            ["kty"] = "RSA", ["use"] = "sig", ["kid"] = kid, ["n"] = Base64UrlEncoder.Encode(p.Modulus), ["e"] = Base64UrlEncoder.Encode(p.Exponent),
            ["endorsements"] = new JsonArray(endorsement),
        };
    }

    private async Task ConnectorAsync(HttpContext http, string path)
    {
        using var reader = new StreamReader(http.Request.Body);
        var text = await reader.ReadToEndAsync();
        var body = text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)?.AsObject() ?? new JsonObject();
        Calls.Enqueue(new ConnectorCall(http.Request.Method, "/" + Uri.UnescapeDataString(path), body, http.Request.Headers.Authorization.ToString(), DateTimeOffset.UtcNow));
        var answer = _script.TryDequeue(out var a) ? a : new ConnectorAnswer(200, Default(path, body));
        http.Response.StatusCode = answer.Status;
        if (answer.RetryAfterSeconds is { } s) http.Response.Headers.RetryAfter = s.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (answer.Json is not null) await http.Response.WriteAsJsonAsync(answer.Json);
    }

    /// <summary>
    /// Strict as an upload session URL (learn.microsoft.com/graph/api/driveitem-createuploadsession, "Upload bytes to the
    /// upload session"): the URL authorises itself and a request carrying an Authorization header may get 401; every PUT
    /// needs Content-Range "bytes first-last/total" matching the bytes sent (400 otherwise); the last range completes the
    /// file with 201 Created and the driveItem.
    /// </summary>
    private async Task UploadAsync(HttpContext http, string name)
    {
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer);
        var content = buffer.ToArray();
        var range = http.Request.Headers.ContentRange.ToString();
        var auth = http.Request.Headers.Authorization.ToString();
        var status = _uploadScript.TryDequeue(out var scripted) ? scripted
            : auth.Length > 0 ? 401
            : range != $"bytes 0-{content.Length - 1}/{content.Length}" || content.Length == 0 ? 400
            : 201;
        Uploads.Enqueue(new UploadCall(name, content, range.Length == 0 ? null : range, auth.Length == 0 ? null : auth, status));
        http.Response.StatusCode = status;
        if (status == 201) await http.Response.WriteAsJsonAsync(new JsonObject { ["id"] = "drive-item-1", ["name"] = name, ["size"] = content.Length });
    }

    private JsonObject Default(string path, JsonObject body)
    {
        var id = Interlocked.Increment(ref _next).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (path == "v3/conversations")
        {
            var channel = body["channelData"]?["channel"]?["id"]?.GetValue<string>() ?? "a:new";
            return new JsonObject { ["id"] = $"{channel};messageid={id}", ["activityId"] = id };
        }
        return new JsonObject { ["id"] = id };
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _endorsed.Dispose();
        _unendorsed.Dispose();
    }
}

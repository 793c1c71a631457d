using System.Net.Http.Headers;
using Microsoft.Extensions.Options;
using Microsoft.Identity.Client;

namespace SpeBot.Host.Teams;

/// <summary>Outbound Bot Connector tokens; our own seam so tests never need Entra.</summary>
public interface IBotTokenSource
{
    Task<string> GetTokenAsync(bool forceRefresh, CancellationToken ct = default);
}

/// <summary>
/// Client credentials through one MSAL confidential client (its in-memory app cache returns the token until near
/// expiry). Acquisitions are serialised, since concurrent ones slow down sharply.
/// </summary>
public sealed class MsalBotTokenSource : IBotTokenSource
{
    private static readonly string[] Scopes = ["https://api.botframework.com/.default"];
    private readonly Lazy<IConfidentialClientApplication> _app;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public MsalBotTokenSource(IOptions<TeamsOptions> options)
    {
        // Built on first use: in anonymous local mode there are no credentials and no token is ever asked for.
        _app = new Lazy<IConfidentialClientApplication>(() =>
        {
            var o = options.Value;
            var tenant = o.MultiTenant ? "botframework.com" : o.TenantId;
            return ConfidentialClientApplicationBuilder.Create(o.AppId)
                .WithClientSecret(o.AppPassword)
                .WithAuthority($"{o.AuthorityHost.TrimEnd('/')}/{tenant}")
                .Build();
        });
    }

    public async Task<string> GetTokenAsync(bool forceRefresh, CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var result = await _app.Value.AcquireTokenForClient(Scopes).WithForceRefresh(forceRefresh).ExecuteAsync(ct);
            return result.AccessToken;
        }
        finally
        {
            _gate.Release();
        }
    }
}

/// <summary>
/// Adds the bearer token to Connector calls, only for allow-listed service URLs; on a 401 refreshes once and retries.
/// </summary>
public sealed class BotTokenHandler(IBotTokenSource tokens, IOptions<TeamsOptions> options) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        if (!ServiceUrls.IsAllowed(request.RequestUri?.AbsoluteUri, options.Value))
            throw new ServiceUrlNotAllowedException(request.RequestUri?.GetLeftPart(UriPartial.Authority));
        if (options.Value.AllowUnauthenticated) return await base.SendAsync(request, ct);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await tokens.GetTokenAsync(false, ct));
        var response = await base.SendAsync(request, ct);
        if (response.StatusCode != System.Net.HttpStatusCode.Unauthorized) return response;

        response.Dispose();
        var again = await CloneAsync(request, ct);
        again.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await tokens.GetTokenAsync(true, ct));
        return await base.SendAsync(again, ct);
    }

    private static async Task<HttpRequestMessage> CloneAsync(HttpRequestMessage r, CancellationToken ct)
    {
        var copy = new HttpRequestMessage(r.Method, r.RequestUri);
        if (r.Content is not null)
        {
            copy.Content = new ByteArrayContent(await r.Content.ReadAsByteArrayAsync(ct));
            foreach (var h in r.Content.Headers) copy.Content.Headers.TryAddWithoutValidation(h.Key, h.Value);
        }
        return copy;
    }
}

/// <summary>
/// A Connector call to a host outside Teams:AllowedServiceUrls (a reference stored before the list was narrowed): it can
/// never succeed until the configuration changes, so the outbox dead-letters it at once.
/// </summary>
public sealed class ServiceUrlNotAllowedException(string? host)
    : Exception($"serviceUrl {host} is not in Teams:AllowedServiceUrls; no token or message is sent there");

using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using SpeBot.Core.Discovery;

namespace SpeBot.Host.Discovery;

/// <summary>
/// Connects to an endpoint once per TLS version, each handshake allowing only that version, and keeps the leaf
/// certificate's expiry. The certificate is read, never trusted: an expired or self-signed certificate is exactly what
/// the watch reports, and no data is sent over these connections.
/// Detecting TLS 1.0/1.1 also needs the local TLS library to offer them; OpenSSL builds that disable them by policy
/// (most current Linux distributions) make those handshakes fail here, so they report "not accepted".
/// </summary>
internal sealed class NetworkTlsProbe(IOptions<WatchOptions> options) : ITlsProbe
{
#pragma warning disable SYSLIB0039 // TLS 1.0 and 1.1 are obsolete: offering them is the point, to see whether the server still accepts them.
    private static readonly (SslProtocols Protocol, string Name)[] Versions =
        [(SslProtocols.Tls13, "1.3"), (SslProtocols.Tls12, "1.2"), (SslProtocols.Tls11, "1.1"), (SslProtocols.Tls, "1.0")];
#pragma warning restore SYSLIB0039

    public async Task<TlsProbeResult> ProbeAsync(string host, int port, CancellationToken ct = default)
    {
        var timeout = TimeSpan.FromSeconds(options.Value.TimeoutSeconds);
        DateTimeOffset? notAfter = null;
        var accepted = new List<string>();
        string? lastError = null;
        foreach (var (protocol, name) in Versions)
        {
            using var tcp = new TcpClient();
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(timeout);
            try
            {
                await tcp.ConnectAsync(host, port, cts.Token);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException && !ct.IsCancellationRequested)
            {
                // The endpoint cannot be reached at all: that is the result, not a finding.
                return new TlsProbeResult(null, [], e is SocketException s ? $"connection failed ({s.SocketErrorCode})" : "connection timed out");
            }
            X509Certificate2? leaf = null;
            await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
            try
            {
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = host,
                    EnabledSslProtocols = protocol,
                    RemoteCertificateValidationCallback = (_, cert, _, _) =>
                    {
                        if (cert is not null) leaf = new X509Certificate2(cert);
                        return true;
                    },
                }, cts.Token);
                accepted.Add(name);
                if (leaf is not null) notAfter ??= new DateTimeOffset(leaf.NotAfter.ToUniversalTime(), TimeSpan.Zero);
            }
            catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException or System.ComponentModel.Win32Exception && !ct.IsCancellationRequested)
            {
                lastError = e is OperationCanceledException ? "handshake timed out" : "no TLS handshake";
            }
            finally
            {
                leaf?.Dispose();
            }
        }
        return accepted.Count == 0 ? new TlsProbeResult(null, [], lastError ?? "no TLS handshake") : new TlsProbeResult(notAfter, accepted, null);
    }
}

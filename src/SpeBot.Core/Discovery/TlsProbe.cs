namespace SpeBot.Core.Discovery;

/// <summary>Connects to an endpoint and reports its certificate and TLS versions; the host implements it over the network.</summary>
public interface ITlsProbe
{
    Task<TlsProbeResult> ProbeAsync(string host, int port, CancellationToken ct = default);
}

/// <summary>
/// The leaf certificate's expiry and the TLS versions a handshake succeeded with ("1.0" … "1.3"), or why no connection
/// was made (<see cref="Error"/>; then nothing is proposed).
/// </summary>
public sealed record TlsProbeResult(DateTimeOffset? NotAfter, IReadOnlyList<string> Versions, string? Error)
{
    public static readonly IReadOnlyList<string> Legacy = ["1.0", "1.1"];

    public bool AcceptsLegacy => Versions.Any(Legacy.Contains);
}

/// <summary>No network edge registered: every endpoint reports that it was not checked.</summary>
internal sealed class NoTlsProbe : ITlsProbe
{
    public Task<TlsProbeResult> ProbeAsync(string host, int port, CancellationToken ct = default) =>
        Task.FromResult(new TlsProbeResult(null, [], "no probe"));
}

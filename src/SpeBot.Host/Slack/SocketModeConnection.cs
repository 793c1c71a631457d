using System.Buffers;
using System.Net.WebSockets;

namespace SpeBot.Host.Slack;

/// <summary>
/// One Socket Mode WebSocket: reads frames, hands each envelope to the dispatcher and acks it by envelope_id with the
/// answer the HTTP path would give. <see cref="Ended"/> says why it is done or wants replacing: a <c>disconnect</c>
/// reason (<c>warning</c>, <c>refresh_requested</c>, <c>link_disabled</c>) or <see cref="Dropped"/>. It keeps reading
/// after a disconnect frame, because Slack goes on delivering on it until the replacement is up and this one is closed.
/// https://docs.slack.dev/apis/events-api/using-socket-mode
/// </summary>
internal sealed partial class SocketModeConnection : IAsyncDisposable
{
    public const string Dropped = "dropped";
    private const int MaxFrameBytes = 4 * 1024 * 1024;

    private readonly ClientWebSocket _ws = new();
    private readonly SemaphoreSlim _send = new(1, 1);
    private readonly TaskCompletionSource _hello = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly HashSet<Task> _inFlight = [];
    private readonly Lock _gate = new();
    private readonly Func<SocketModeFrame, Task<SlackAck>> _dispatch;
    private readonly SocketModeStatus _status;
    private readonly ILogger _log;
    private Task _reading = Task.CompletedTask;
    private bool _counted;
    private bool _retiring;

    public SocketModeConnection(int id, TimeSpan ping, Func<SocketModeFrame, Task<SlackAck>> dispatch, SocketModeStatus status, ILogger log)
    {
        Id = id;
        // .NET sends a ping this often and aborts the socket when no pong comes back within the timeout: a silently
        // dead link (a NAT dropping it, Slack gone) surfaces as a failed read instead of a socket that hears nothing.
        _ws.Options.KeepAliveInterval = ping;
        _ws.Options.KeepAliveTimeout = ping;
        _dispatch = dispatch;
        _status = status;
        _log = log;
    }

    public int Id { get; }

    /// <summary>Completes with the disconnect reason, or <see cref="Dropped"/> when the socket ends without one.</summary>
    public Task<string> Ended => _ended.Task;

    /// <summary>Connects and waits for Slack's hello; throws when either fails or takes longer than <paramref name="timeout"/>.</summary>
    public async Task OpenAsync(Uri url, TimeSpan timeout, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        await _ws.ConnectAsync(url, limit.Token);
        _reading = Task.Run(ReadAsync, CancellationToken.None);
        await _hello.Task.WaitAsync(limit.Token);
        // A socket that closed right after its hello is not up (a disconnect frame this early is handled by the caller).
        if (_ended.Task is { IsCompleted: true, Result: Dropped }) throw new WebSocketException("Slack closed the socket right after hello");
    }

    private async Task ReadAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            while (true)
            {
                using var message = new MemoryStream();
                ValueWebSocketReceiveResult r;
                do
                {
                    r = await _ws.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
                    if (r.MessageType == WebSocketMessageType.Close) break;
                    if (message.Length + r.Count > MaxFrameBytes) throw new WebSocketException("Slack frame over the size cap");
                    message.Write(buffer, 0, r.Count);
                } while (!r.EndOfMessage);
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    // Slack (or we, when retiring it) closed the link: answer the close and stop reading.
                    // State is read under the send lock: a retire may be sending its own close at the same moment.
                    await SendLockedAsync(() => _ws.State == WebSocketState.CloseReceived
                        ? _ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None)
                        : Task.CompletedTask);
                    break;
                }
                if (r.MessageType == WebSocketMessageType.Text) OnFrame(message.GetBuffer().AsSpan(0, (int)message.Length));
            }
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            LogDropped(_log, Id, e.Message);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (_counted) _status.Closed();
            _hello.TrySetException(new WebSocketException("Slack closed the socket before hello"));
            _ended.TrySetResult(Dropped);
        }
    }

    private void OnFrame(ReadOnlySpan<byte> utf8)
    {
        SocketModeFrame? frame;
        try
        {
            frame = SocketModeFrame.Parse(utf8);
        }
        catch (System.Text.Json.JsonException)
        {
            LogMalformed(_log, Id);
            return;
        }
        switch (frame)
        {
            case { Type: "hello" }:
                if (!_hello.Task.IsCompleted)
                {
                    _counted = true;
                    _status.Opened();
                }
                LogHello(_log, Id, frame.NumConnections);
                _hello.TrySetResult();
                break;
            case { Type: "disconnect" }:
                LogDisconnect(_log, Id, frame.Reason ?? "");
                _ended.TrySetResult(frame.Reason ?? "warning");
                break;
            case { IsEnvelope: true }:
                lock (_gate)
                {
                    // Once this socket is being closed an ack might not get out, so the envelope is left unacked:
                    // Slack redelivers it on the replacement, and it is handled once there instead of maybe twice.
                    if (_retiring)
                    {
                        LogLeftForRedelivery(_log, Id, frame.EnvelopeId!);
                        break;
                    }
                    var handling = HandleAsync(frame);
                    _inFlight.Add(handling);
                    handling.ContinueWith(t => { lock (_gate) _inFlight.Remove(t); }, TaskScheduler.Default);
                }
                break;
            default:
                LogIgnored(_log, Id, frame?.Type ?? "");
                break;
        }
    }

    private async Task DispatchAndAckAsync(SocketModeFrame envelope)
    {
        var answer = await _dispatch(envelope);
        // A 5xx means "not stored, send it again": over HTTP Slack retries it, here an unacked envelope is redelivered.
        if (answer.Status >= 500)
        {
            LogNotAcked(_log, Id, envelope.EnvelopeId!, answer.Status);
            return;
        }
        if (!answer.IsSuccess) LogRefused(_log, Id, envelope.Type ?? "", answer.Status);
        var ack = envelope.Ack(answer);
        try
        {
            await SendLockedAsync(() => _ws.SendAsync(ack.AsMemory(), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).AsTask());
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The link died under the ack; Slack redelivers the envelope on another one.
            LogAckLost(_log, Id, envelope.EnvelopeId!, e.Message);
        }
    }

    private async Task HandleAsync(SocketModeFrame envelope)
    {
        // Off the read loop: a slow handler must not hold up the frames (and acks) behind it.
        await Task.Yield();
        try
        {
            await DispatchAndAckAsync(envelope);
        }
        catch (Exception e)
        {
            // Unacked, as a 500 over HTTP: Slack redelivers it.
            LogHandlerFailed(_log, e, Id);
        }
    }

    private async Task SendLockedAsync(Func<Task> send)
    {
        // A WebSocket allows one send at a time; envelopes are handled concurrently.
        await _send.WaitAsync();
        try
        {
            await send();
        }
        finally
        {
            _send.Release();
        }
    }

    /// <summary>
    /// Lets the envelopes already being handled send their acks, then closes: used once a replacement is up, and at
    /// shutdown. Gives up (aborts) after <paramref name="grace"/>.
    /// </summary>
    public async Task RetireAsync(TimeSpan grace)
    {
        using var limit = new CancellationTokenSource(grace);
        try
        {
            Task[] running;
            lock (_gate)
            {
                _retiring = true;
                running = [.. _inFlight];
            }
            await Task.WhenAll(running).WaitAsync(limit.Token);
            await SendLockedAsync(() => _ws.State == WebSocketState.Open
                ? _ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "replaced", limit.Token)
                : Task.CompletedTask);
            await _reading.WaitAsync(limit.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            _ws.Abort();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _ws.Abort();
        try
        {
            await _reading.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
        }
        _ws.Dispose();
        _send.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Slack socket {Id}: hello ({Connections} connection(s) open for the app)")]
    private static partial void LogHello(ILogger log, int id, int? connections);

    [LoggerMessage(Level = LogLevel.Information, Message = "Slack socket {Id}: disconnect ({Reason})")]
    private static partial void LogDisconnect(ILogger log, int id, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack socket {Id} dropped: {Detail}")]
    private static partial void LogDropped(ILogger log, int id, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack socket {Id}: malformed frame ignored")]
    private static partial void LogMalformed(ILogger log, int id);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Slack socket {Id}: frame of type '{Type}' ignored")]
    private static partial void LogIgnored(ILogger log, int id, string type);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack socket {Id}: envelope {EnvelopeId} not acked (answer {Status}); Slack will redeliver it")]
    private static partial void LogNotAcked(ILogger log, int id, string envelopeId, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack socket {Id}: {Type} envelope refused with {Status}; acked so it is not redelivered")]
    private static partial void LogRefused(ILogger log, int id, string type, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack socket {Id}: ack for {EnvelopeId} lost: {Detail}")]
    private static partial void LogAckLost(ILogger log, int id, string envelopeId, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Slack socket {Id}: envelope {EnvelopeId} arrived while closing; left for Slack to redeliver")]
    private static partial void LogLeftForRedelivery(ILogger log, int id, string envelopeId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Slack socket {Id}: an envelope's handler failed; left unacked for Slack to redeliver")]
    private static partial void LogHandlerFailed(ILogger log, Exception e, int id);
}

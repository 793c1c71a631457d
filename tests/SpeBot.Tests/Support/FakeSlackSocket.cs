using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SpeBot.Tests.Support;

/// <summary>
/// Slack's side of Socket Mode on loopback (a real Kestrel WebSocket server). <see cref="ScriptOpens"/> makes the fake
/// Web API hand out single-use URLs to it from apps.connections.open. Each connection gets Slack's hello, then the test
/// sends envelopes and disconnect frames and reads the acks. Rules it holds SpeBot to, as Slack does
/// (https://docs.slack.dev/apis/events-api/using-socket-mode):
/// - a URL's ticket works once (apps.connections.open gives a fresh one per connection);
/// - an ack is <c>{"envelope_id"}</c> naming an envelope sent on that connection, with <c>payload</c> only when the
///   envelope said <c>accepts_response_payload</c>; each envelope is acked at most once;
/// - an ack later than 3 s does not count (Slack redelivers instead): <see cref="Connection.AckAsync"/> fails on it;
/// - an envelope still unacked when its socket ends is redelivered on another socket with a new envelope_id and
///   <c>retry_attempt</c> + 1 (<see cref="Redeliveries"/>), as Slack retries an unacknowledged envelope.
/// Every open, hello, close and drop goes into <see cref="Timeline"/> in order, so a test can tell which came first.
/// SpeBot reaches it through a small TCP relay, so a test can make a link go silent (bytes swallowed, nothing answered,
/// the TCP connection still up) the way a dead NAT mapping does.
/// </summary>
public sealed class FakeSlackSocket : IAsyncDisposable
{
    public static readonly TimeSpan AckDeadline = TimeSpan.FromSeconds(3);

    private readonly WebApplication _app;
    private readonly TcpListener _relay;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<int, Relay> _relays = new();
    private readonly ConcurrentDictionary<string, bool> _usedTickets = new();
    private readonly ConcurrentQueue<string> _timeline = new();
    private readonly ConcurrentQueue<JsonObject> _toRedeliver = new();
    private int _tickets;

    /// <summary>Original envelope_id → the envelope_id it was redelivered under.</summary>
    public ConcurrentDictionary<string, string> Redeliveries { get; } = new();

    private FakeSlackSocket(WebApplication app, TcpListener relay)
    {
        _app = app;
        _relay = relay;
        BaseUrl = $"ws://127.0.0.1:{((IPEndPoint)relay.LocalEndpoint).Port}/link/";
    }

    /// <summary>ws://127.0.0.1:port/link/ — Slack's is wss://wss-primary.slack.com/link/.</summary>
    public string BaseUrl { get; }

    public ConcurrentQueue<Connection> Connections { get; } = new();

    /// <summary>"open 1", "hello 1", "closed-by-app 1", "dropped-by-slack 1", ... in the order they happened.</summary>
    public IReadOnlyList<string> Timeline => [.. _timeline];

    /// <summary>Tickets refused because they were used before.</summary>
    public int RefusedTickets { get; private set; }

    public static async Task<FakeSlackSocket> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.UseWebSockets();
        FakeSlackSocket? fake = null;
        app.Map("/link", (HttpContext http) => fake!.AcceptAsync(http));
        await app.StartAsync();
        var relay = new TcpListener(IPAddress.Loopback, 0);
        relay.Start();
        fake = new FakeSlackSocket(app, relay);
        _ = fake.RelayAsync(new Uri(app.Urls.First()).Port);
        return fake;
    }

    private async Task RelayAsync(int serverPort)
    {
        try
        {
            while (true)
            {
                var client = await _relay.AcceptTcpClientAsync(_stopping.Token);
                var server = new TcpClient();
                await server.ConnectAsync(IPAddress.Loopback, serverPort, _stopping.Token);
                var relay = new Relay(client, server);
                _relays[((IPEndPoint)server.Client.LocalEndPoint!).Port] = relay;
                relay.Start();
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Copies bytes both ways until told to go silent; then swallows what SpeBot sends and answers nothing.</summary>
    internal sealed class Relay(TcpClient client, TcpClient server)
    {
        public volatile bool Silent;

        public void Start()
        {
            _ = PumpAsync(client.GetStream(), server.GetStream(), fromApp: true);
            _ = PumpAsync(server.GetStream(), client.GetStream(), fromApp: false);
        }

        private async Task PumpAsync(Stream from, Stream to, bool fromApp)
        {
            var buffer = new byte[16 * 1024];
            try
            {
                int n;
                while ((n = await from.ReadAsync(buffer)) > 0)
                    if (!Silent) await to.WriteAsync(buffer.AsMemory(0, n));
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
            {
            }
            // SpeBot hung up (or Slack did): end both sides, as the network would once the app gives up.
            if (fromApp || !Silent)
            {
                client.Dispose();
                server.Dispose();
            }
        }
    }

    /// <summary>Queues apps.connections.open answers on the fake Web API, each a fresh ticket to this server.</summary>
    public void ScriptOpens(FakeSlackApi api, int count = 20)
    {
        var answers = Enumerable.Range(0, count).Select(_ => new SlackAnswer(200, new JsonObject
        {
            ["ok"] = true, ["url"] = $"{BaseUrl}?ticket=t{Interlocked.Increment(ref _tickets)}&app_id=A1",
        })).ToArray();
        api.Script("apps.connections.open", answers);
    }

    /// <summary>The n-th connection (1-based) once it has been sent its hello.</summary>
    public async Task<Connection> ConnectionAsync(int n, int timeoutMs = 15_000)
    {
        await SpeBotFactory.WaitUntilAsync(() => Connections.Count(c => c.Hello.IsCompleted) >= n, timeoutMs, $"socket connection {n}");
        return Connections.Where(c => c.Hello.IsCompleted).OrderBy(c => c.Id).ElementAt(n - 1);
    }

    private void Record(string what) => _timeline.Enqueue(what);

    private async Task AcceptAsync(HttpContext http)
    {
        var ticket = http.Request.Query["ticket"].ToString();
        if (!http.WebSockets.IsWebSocketRequest || ticket.Length == 0 || !_usedTickets.TryAdd(ticket, true))
        {
            if (ticket.Length > 0) RefusedTickets++;
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }
        using var ws = await http.WebSockets.AcceptWebSocketAsync();
        _relays.TryGetValue(http.Connection.RemotePort, out var relay);
        var connection = new Connection(this, Connections.Count + 1, ws, relay);
        Connections.Enqueue(connection);
        Record($"open {connection.Id}");
        await connection.SendAsync(new JsonObject
        {
            ["type"] = "hello", ["num_connections"] = Connections.Count(c => !c.Closed.IsCompleted),
            ["connection_info"] = new JsonObject { ["app_id"] = "A1" },
            ["debug_info"] = new JsonObject { ["host"] = "applink-fake", ["approximate_connection_time"] = 18060 },
        });
        connection.MarkHello();
        var reading = connection.RunAsync();
        while (_toRedeliver.TryDequeue(out var envelope)) await connection.SendAsync(envelope);
        await reading;
    }

    /// <summary>The ack for an envelope, or for its redelivery if the socket it went out on ended first.</summary>
    public async Task<(Connection On, JsonObject Ack)> AckedAnywhereAsync(Connection sentOn, string envelopeId)
    {
        await SpeBotFactory.WaitUntilAsync(() => sentOn.WasAcked(envelopeId)
            || Redeliveries.TryGetValue(envelopeId, out var again) && Connections.Any(c => c.WasAcked(again)), what: $"ack for {envelopeId}");
        if (sentOn.WasAcked(envelopeId)) return (sentOn, await sentOn.AckAsync(envelopeId));
        var redelivered = Redeliveries[envelopeId];
        var on = Connections.Single(c => c.WasAcked(redelivered));
        return (on, await on.AckAsync(redelivered));
    }

    private async Task RedeliverAsync(JsonObject envelope)
    {
        var id = envelope["envelope_id"]!.GetValue<string>();
        var again = envelope.DeepClone().AsObject();
        again["envelope_id"] = id + "-retry";
        again["retry_attempt"] = (envelope["retry_attempt"]?.GetValue<int>() ?? 0) + 1;
        again["retry_reason"] = "timeout";
        Redeliveries[id] = id + "-retry";
        Record($"redeliver {id}");
        var open = Connections.Where(c => c.Hello.IsCompleted && !c.Closed.IsCompleted).OrderBy(c => c.Id).LastOrDefault();
        if (open is null) _toRedeliver.Enqueue(again);
        else await open.SendAsync(again);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var c in Connections) c.Drop();
        await _stopping.CancelAsync();
        _relay.Stop();
        await _app.DisposeAsync();
    }

    /// <summary>An envelope as Slack sends it.</summary>
    public static JsonObject Envelope(string type, JsonNode payload, bool acceptsResponsePayload, string? envelopeId = null,
        int? retryAttempt = null, string? retryReason = null)
    {
        var e = new JsonObject
        {
            ["envelope_id"] = envelopeId ?? Guid.NewGuid().ToString(), ["type"] = type, ["payload"] = payload,
            ["accepts_response_payload"] = acceptsResponsePayload,
        };
        if (retryAttempt is not null)
        {
            e["retry_attempt"] = retryAttempt;
            e["retry_reason"] = retryReason;
        }
        return e;
    }

    /// <summary>One accepted socket.</summary>
    public sealed class Connection
    {
        private readonly FakeSlackSocket server;
        private readonly WebSocket ws;
        private readonly Relay? relay;

        internal Connection(FakeSlackSocket server, int id, WebSocket ws, Relay? relay)
        {
            this.server = server;
            Id = id;
            this.ws = ws;
            this.relay = relay;
        }

        private readonly SemaphoreSlim _send = new(1, 1);
        private readonly TaskCompletionSource _hello = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ConcurrentDictionary<string, (JsonObject Envelope, long SentAt)> _sent = new();
        private readonly ConcurrentDictionary<string, TaskCompletionSource<(JsonObject Ack, TimeSpan After)>> _acks = new();

        public int Id { get; }
        public Task Hello => _hello.Task;

        /// <summary>Completes when the socket has ended, closed by either side or dropped.</summary>
        public Task Closed => _closed.Task;

        /// <summary>Frames that broke a rule (unknown envelope id, a second ack, a payload not asked for); must stay empty.</summary>
        public ConcurrentQueue<string> Violations { get; } = new();

        internal void MarkHello()
        {
            server.Record($"hello {Id}");
            _hello.TrySetResult();
        }

        public async Task SendAsync(JsonNode frame)
        {
            if (frame["envelope_id"]?.GetValue<string>() is { } id && frame["type"] is not null)
            {
                _sent[id] = (frame.AsObject(), Stopwatch.GetTimestamp());
                _acks.TryAdd(id, new TaskCompletionSource<(JsonObject, TimeSpan)>(TaskCreationOptions.RunContinuationsAsynchronously));
            }
            await _send.WaitAsync();
            try
            {
                await ws.SendAsync(Encoding.UTF8.GetBytes(frame.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
            }
            finally
            {
                _send.Release();
            }
        }

        /// <summary>Sends an envelope and returns its ack; fails if none comes, or it comes after Slack's 3 s.</summary>
        public async Task<JsonObject> RoundTripAsync(JsonObject envelope)
        {
            await SendAsync(envelope);
            return await AckAsync(envelope["envelope_id"]!.GetValue<string>());
        }

        public async Task<JsonObject> AckAsync(string envelopeId)
        {
            var (ack, after) = await _acks[envelopeId].Task.WaitAsync(TimeSpan.FromSeconds(15));
            Assert.True(after <= AckDeadline, $"ack for {envelopeId} came after {after.TotalMilliseconds:0} ms; Slack waits {AckDeadline.TotalSeconds} s");
            Assert.Empty(Violations);
            return ack;
        }

        public bool WasAcked(string envelopeId) => _acks.TryGetValue(envelopeId, out var t) && t.Task.IsCompleted;

        public Task DisconnectAsync(string reason) => SendAsync(new JsonObject
        {
            ["type"] = "disconnect", ["reason"] = reason,
            ["debug_info"] = new JsonObject { ["host"] = "applink-fake" },
        });

        /// <summary>The link dies without a close frame (a network drop).</summary>
        public void Drop()
        {
            if (!_closed.Task.IsCompleted) server.Record($"dropped-by-slack {Id}");
            ws.Abort();
        }

        /// <summary>The link goes silent: SpeBot's pings get no pong, yet the TCP connection stays up.</summary>
        public void GoSilent()
        {
            server.Record($"silent {Id}");
            relay!.Silent = true;
        }

        internal async Task RunAsync()
        {
            var buffer = new byte[64 * 1024];
            try
            {
                while (true)
                {
                    using var message = new MemoryStream();
                    var r = await ws.ReceiveAsync(buffer, CancellationToken.None);
                    message.Write(buffer, 0, r.Count);
                    while (!r.EndOfMessage && r.MessageType != WebSocketMessageType.Close)
                    {
                        r = await ws.ReceiveAsync(buffer, CancellationToken.None);
                        message.Write(buffer, 0, r.Count);
                    }
                    if (r.MessageType == WebSocketMessageType.Close)
                    {
                        server.Record($"closed-by-app {Id}");
                        await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
                        return;
                    }
                    OnAck(JsonNode.Parse(message.ToArray())!.AsObject());
                }
            }
            catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
            {
                server.Record($"ended {Id}");
            }
            finally
            {
                _closed.TrySetResult();
                foreach (var (id, sent) in _sent)
                    if (!WasAcked(id)) await server.RedeliverAsync(sent.Envelope);
            }
        }

        private void OnAck(JsonObject ack)
        {
            var id = ack["envelope_id"]?.GetValue<string>();
            if (id is null || !_sent.TryGetValue(id, out var sent)) { Violations.Enqueue($"ack for an envelope not sent here: {ack.ToJsonString()}"); return; }
            if (ack.ContainsKey("payload") && sent.Envelope["accepts_response_payload"]?.GetValue<bool>() != true)
                Violations.Enqueue($"payload in an ack for an envelope that accepts none: {ack.ToJsonString()}");
            if (!_acks[id].TrySetResult((ack, Stopwatch.GetElapsedTime(sent.SentAt)))) Violations.Enqueue($"second ack for {id}");
        }
    }
}

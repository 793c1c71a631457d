using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using SpeBot.Host.Telemetry;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Telemetry;

/// <summary>
/// A signed /spe propose makes one trace: the inbound request, its command dispatch, its group commit and, later, the
/// outbox send of its card with the Slack call under it; and no span carries what the person typed or a secret.
/// Exported with OpenTelemetry's in-memory exporter, in the host's own tracer provider.
/// </summary>
public sealed class TraceTests : IAsyncLifetime
{
    private const string TitleMarker = "Zanzibar-cache-9f3";
    private const string ResponseUrlMarker = "tok-RESPONSEURL-77";
    private readonly List<Activity> _spans = [];
    private FakeSlackApi _slack = null!;
    private SpeBotFactory _factory = null!;

    public async Task InitializeAsync()
    {
        _slack = await FakeSlackApi.StartAsync();
        _factory = new SpeBotFactory(_slack, services: s =>
            s.AddOpenTelemetry().WithTracing(t => t.AddSpeBotTracing().AddInMemoryExporter(_spans)));
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _slack.DisposeAsync();
    }

    [Fact]
    public async Task ProposeTraceHasTheGroupCommitAndTheOutboxSendAsChildren()
    {
        var client = _factory.CreateClient();
        var trace = ActivityTraceId.CreateRandom();
        var caller = ActivitySpanId.CreateRandom();
        var request = SignedSlackRequest.Command($"propose {TitleMarker} before users complain", responseUrl: _slack.ResponseUrl(ResponseUrlMarker));
        request.Headers.Add("traceparent", $"00-{trace}-{caller}-01");

        (await client.SendAsync(request)).EnsureSuccessStatusCode();
        await SpeBotFactory.WaitUntilAsync(() => Spans(trace).Any(s => s.DisplayName == "spebot.outbox.send")
                                                 && Spans(trace).Any(s => s.Kind == ActivityKind.Client), what: "outbox send span");

        var spans = Spans(trace);
        // (The fake Slack runs in this process too, so its server span joins the trace under the Slack call.)
        var server = Assert.Single(spans, s => s.Kind == ActivityKind.Server && s.ParentSpanId == caller);
        var command = Assert.Single(spans, s => s.DisplayName == "spebot.command");
        Assert.Equal(server.SpanId, command.ParentSpanId);
        Assert.Equal("propose", command.GetTagItem("spebot.command.verb"));
        var commit = Assert.Single(spans, s => s.DisplayName == "spebot.db.group_commit" && s.ParentSpanId == command.SpanId
                                               && s.StartTimeUtc >= command.StartTimeUtc && s.StartTimeUtc + s.Duration <= command.StartTimeUtc + command.Duration
                                               && (s.GetTagItem("spebot.db.group_size") is int));
        Assert.True((int)commit.GetTagItem("spebot.db.group_size")! >= 1);
        // Marking the card sent is the send's own group commit.
        Assert.Contains(spans, s => s.DisplayName == "spebot.db.group_commit" && s.ParentSpanId == spans.Single(x => x.DisplayName == "spebot.outbox.send").SpanId);
        var send = Assert.Single(spans, s => s.DisplayName == "spebot.outbox.send");
        Assert.Equal(command.SpanId, send.ParentSpanId);
        Assert.Equal("item_card", send.GetTagItem("spebot.outbox.kind"));
        var slackCall = Assert.Single(spans, s => s.Kind == ActivityKind.Client);
        Assert.Equal(send.SpanId, slackCall.ParentSpanId);
        Assert.EndsWith("/api/chat.postMessage", (string)slackCall.GetTagItem("url.full")!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoSpanCarriesUserTextOrASecret()
    {
        var client = _factory.CreateClient();
        var trace = ActivityTraceId.CreateRandom();
        var request = SignedSlackRequest.Command($"propose {TitleMarker} before users complain", responseUrl: _slack.ResponseUrl(ResponseUrlMarker));
        request.Headers.Add("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-01");
        (await client.SendAsync(request)).EnsureSuccessStatusCode();
        // A reply to the response_url (a bearer URL) goes out only when an answer is late, so post one through the
        // sender's client the way late work does (a root span, as from the outbox).
        await SpeBotFactory.WaitUntilAsync(() => Spans(trace).Any(s => s.DisplayName == "spebot.outbox.send"), what: "outbox send span");
        Activity.Current = null;
        var http = _factory.Services.GetRequiredService<IHttpClientFactory>().CreateClient(SpeBot.Host.Slack.SlackSender.ResponseUrlClient);
        (await http.PostAsync(_slack.ResponseUrl(ResponseUrlMarker), new StringContent("""{"text":"a late answer"}"""))).EnsureSuccessStatusCode();
        await SpeBotFactory.WaitUntilAsync(() => Snapshot().Any(s => s.Kind == ActivityKind.Client && s.ParentSpanId == default),
            what: "response_url client span");

        var forbidden = new[] { TitleMarker, ResponseUrlMarker, "xoxb-test-token", SignedSlackRequest.Secret, "before users complain" };
        // The fake Slack is an ASP.NET Core app in this process, so its own server spans are recorded too; they are the
        // double's, not SpeBot's (Slack's servers see their URLs anyway).
        var fakePort = new Uri(_slack.BaseUrl).Port;
        foreach (var span in Snapshot().Where(s => !(s.Kind == ActivityKind.Server && s.GetTagItem("server.port") is int port && port == fakePort)))
        {
            foreach (var (key, value) in span.TagObjects)
            {
                var text = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "";
                Assert.False(forbidden.Any(f => text.Contains(f, StringComparison.Ordinal)), $"{span.Kind} span {span.DisplayName} attribute {key} = {text}");
                Assert.False(key.Contains("body", StringComparison.OrdinalIgnoreCase), $"{span.DisplayName} has a body attribute {key}");
            }
            Assert.DoesNotContain(forbidden, f => span.DisplayName.Contains(f, StringComparison.Ordinal));
        }
    }

    private Activity[] Snapshot()
    {
        lock (_spans) return [.. _spans];
    }

    private List<Activity> Spans(ActivityTraceId trace) => [.. Snapshot().Where(s => s.TraceId == trace)];
}

/// <summary>Traces are recorded, and traces and metrics exported over OTLP, only when OTEL_EXPORTER_OTLP_ENDPOINT is set.</summary>
public sealed class OtlpSwitchTests
{
    [Fact]
    public void WithoutAnOtlpEndpointNoTracerProviderRecordsSpans()
    {
        using var factory = new SpeBotFactory(null);
        factory.CreateClient();

        Assert.Null(factory.Services.GetService<TracerProvider>());
    }

    [Fact]
    public async Task WithAnOtlpEndpointTracesAndMetricsArePostedThere()
    {
        // A loopback OTLP/HTTP receiver that records which signal each export was.
        var received = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var collector = builder.Build();
        collector.MapPost("/v1/{signal}", (string signal) =>
        {
            received.Enqueue(signal);
            return Microsoft.AspNetCore.Http.Results.Ok();
        });
        await collector.StartAsync();
        var endpoint = collector.Urls.Single();
        using var factory = new SpeBotFactory(null, new()
        {
            [TelemetryExtensions.OtlpEndpointKey] = endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "200",
        });

        (await factory.CreateClient().GetAsync("/healthz/not-here")).Dispose();
        await SpeBotFactory.WaitUntilAsync(() => received.Contains("traces") && received.Contains("metrics"), what: "OTLP exports");

        Assert.NotNull(factory.Services.GetService<TracerProvider>());
    }
}

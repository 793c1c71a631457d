using System.Net;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;
using Moq.Protected;
using SpeBot.Host.Slack;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Slack;

/// <summary>SlackWebApi against the loopback fake (and a Moq'd handler where the raw request matters).</summary>
public sealed class SlackWebApiTests : IAsyncLifetime
{
    private const string Token = "xoxb-unit-test-token";
    private FakeSlackApi _slack = null!;

    public async Task InitializeAsync() => _slack = await FakeSlackApi.StartAsync();

    public async Task DisposeAsync() => await _slack.DisposeAsync();

    private static SlackWebApi Api(string baseUrl, TimeProvider? clock = null, HttpMessageHandler? handler = null, SlackMethodPauses? pauses = null) =>
        new(handler is null ? new HttpClient() : new HttpClient(handler),
            Options.Create(new SlackOptions { ApiBaseUrl = baseUrl, BotToken = Token, SigningSecret = "s" }),
            clock ?? TimeProvider.System, NullLogger<SlackWebApi>.Instance, pauses ?? new SlackMethodPauses());

    [Theory]
    [InlineData("internal_error", true)]
    [InlineData("service_unavailable", true)]
    [InlineData("channel_not_found", false)]
    [InlineData("not_in_channel", false)]
    [InlineData("is_archived", false)]
    public async Task OkFalseBecomesSlackApiExceptionWithTheErrorCode(string code, bool transient)
    {
        _slack.Script("chat.postMessage", SlackAnswer.Error(code));
        var e = await Assert.ThrowsAsync<SlackApiException>(() => Api(_slack.BaseUrl).PostMessageAsync("C1", "hi", null));
        Assert.Equal(code, e.Error);
        Assert.Equal("chat.postMessage", e.Method);
        Assert.Equal(transient, e.IsTransient);
        Assert.Single(_slack.CallsTo("chat.postMessage"));
    }

    [Fact]
    public async Task APauseOneClientLearnedHoldsForTheOtherClientsOfTheProcess()
    {
        // Slack limits the app per method, not per caller: the outbox's client and a handler's share what a 429 taught.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var pauses = new SlackMethodPauses();
        var outbox = Api(_slack.BaseUrl, clock, pauses: pauses);
        var handler = Api(_slack.BaseUrl, clock, pauses: pauses);
        _slack.Script("chat.postMessage", SlackAnswer.RateLimited(30));

        await Assert.ThrowsAsync<SlackRateLimitedException>(() => outbox.PostMessageAsync("C1", "hi", null));
        var held = await Assert.ThrowsAsync<SlackRateLimitedException>(() => handler.PostMessageAsync("C1", "too", null));

        Assert.Equal(TimeSpan.FromSeconds(30), held.RetryAfter);
        Assert.Single(_slack.CallsTo("chat.postMessage"));
    }

    [Fact]
    public async Task RateLimitIsReportedWithRetryAfterAndPausesTheMethod()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var api = Api(_slack.BaseUrl, clock);
        _slack.Script("chat.postMessage", SlackAnswer.RateLimited(30));

        var first = await Assert.ThrowsAsync<SlackRateLimitedException>(() => api.PostMessageAsync("C1", "hi", null));
        Assert.Equal(TimeSpan.FromSeconds(30), first.RetryAfter);

        clock.Advance(TimeSpan.FromSeconds(10));
        var second = await Assert.ThrowsAsync<SlackRateLimitedException>(() => api.PostMessageAsync("C1", "again", null));
        Assert.Equal(TimeSpan.FromSeconds(20), second.RetryAfter);
        Assert.Single(_slack.CallsTo("chat.postMessage"));

        await api.UpdateAsync("C1", "1.2", "other methods are not paused", null);

        clock.Advance(TimeSpan.FromSeconds(21));
        var posted = await api.PostMessageAsync("C1", "after the pause", null);
        Assert.False(string.IsNullOrEmpty(posted.Ts));
        Assert.Equal(2, _slack.CallsTo("chat.postMessage").Count);
    }

    [Fact]
    public async Task IdempotentUpdateIsRetriedAfterA500AndSucceeds()
    {
        _slack.Script("chat.update", SlackAnswer.ServerError());
        await Api(_slack.BaseUrl).UpdateAsync("C1", "1.2", "edited", null);
        Assert.Equal(2, _slack.CallsTo("chat.update").Count);
    }

    [Fact]
    public async Task IdempotentUpdateGivesUpAfterItsRetries()
    {
        _slack.Script("chat.update", SlackAnswer.ServerError(), SlackAnswer.ServerError(), SlackAnswer.ServerError(), SlackAnswer.ServerError());
        await Assert.ThrowsAsync<SlackTransportException>(() => Api(_slack.BaseUrl).UpdateAsync("C1", "1.2", "edited", null));
        Assert.Equal(3, _slack.CallsTo("chat.update").Count);
    }

    [Fact]
    public async Task PostMessageIsNotRetriedByTheClientOnA500()
    {
        _slack.Script("chat.postMessage", SlackAnswer.ServerError());
        var e = await Assert.ThrowsAsync<SlackTransportException>(() => Api(_slack.BaseUrl).PostMessageAsync("C1", "hi", null));
        Assert.Equal("chat.postMessage", e.Method);
        Assert.Single(_slack.CallsTo("chat.postMessage"));
    }

    [Fact]
    public async Task ViewsOpenIsNotRetriedBecauseTheTriggerWorksOnce()
    {
        _slack.Script("views.open", SlackAnswer.ServerError());
        await Assert.ThrowsAsync<SlackTransportException>(() => Api(_slack.BaseUrl).OpenViewAsync("trig", FakeSlackApi.MinimalModal()));
        Assert.Single(_slack.CallsTo("views.open"));
    }

    [Fact]
    public async Task AlreadyReactedCountsAsSuccess()
    {
        _slack.Script("reactions.add", SlackAnswer.Error("already_reacted"));
        await Api(_slack.BaseUrl).AddReactionAsync("C1", "1.2", "white_check_mark");
        Assert.Single(_slack.CallsTo("reactions.add"));
    }

    [Fact]
    public async Task TokenTravelsOnlyInTheAuthorizationHeader()
    {
        var seen = new List<(HttpRequestMessage Request, string Body)>();
        var handler = new Mock<HttpMessageHandler>(MockBehavior.Strict);
        handler.Protected()
            .Setup<Task<HttpResponseMessage>>("SendAsync", ItExpr.IsAny<HttpRequestMessage>(), ItExpr.IsAny<CancellationToken>())
            .Returns(async (HttpRequestMessage r, CancellationToken ct) =>
            {
                seen.Add((r, r.Content is null ? "" : await r.Content.ReadAsStringAsync(ct)));
                return new HttpResponseMessage(HttpStatusCode.OK)
                {
                    Content = new StringContent("{\"ok\":true,\"ts\":\"1.2\",\"channel\":\"C1\",\"user\":{\"id\":\"U1\"}}", Encoding.UTF8, "application/json"),
                };
            });
        var api = Api("https://slack.example/api/", handler: handler.Object);

        await api.PostMessageAsync("C1", "hi", null);
        await api.UpdateAsync("C1", "1.2", "edit", null);
        await api.UserInfoAsync("U1");
        await api.GetPermalinkAsync("C1", "1.2");

        Assert.Equal(4, seen.Count);
        Assert.All(seen, s =>
        {
            Assert.Equal("Bearer", s.Request.Headers.Authorization?.Scheme);
            Assert.Equal(Token, s.Request.Headers.Authorization?.Parameter);
            Assert.DoesNotContain("xoxb", s.Request.RequestUri!.ToString());
            Assert.DoesNotContain("xoxb", s.Body);
            Assert.DoesNotContain("token", s.Request.RequestUri!.Query);
        });
        Assert.All(seen.Where(s => s.Request.Method == HttpMethod.Post),
            s => Assert.Equal("application/json", s.Request.Content!.Headers.ContentType!.MediaType));
        Assert.Equal("https://slack.example/api/chat.postMessage", seen[0].Request.RequestUri!.ToString());
    }

    [Fact]
    public async Task FakeSlackSeesTheBearerTokenOnEveryCall()
    {
        var api = Api(_slack.BaseUrl);
        await api.PostMessageAsync("C1", "hi", null);
        await api.UserInfoAsync("U1");
        Assert.All(_slack.Calls, c => Assert.Equal($"Bearer {Token}", c.Authorization));
        Assert.All(_slack.Calls, c => Assert.DoesNotContain(Token, c.Body.ToJsonString()));
    }
}

using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SpeBot.Core;
using SpeBot.Core.Commands;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Slack;

/// <summary>A slow handler never makes Slack wait: the ack leaves at the budget and the answer follows on the response_url.</summary>
public sealed class AckBudgetTests : IAsyncLifetime
{
    private FakeSlackApi _slack = null!;
    private SpeBotFactory _factory = null!;

    public async Task InitializeAsync()
    {
        _slack = await FakeSlackApi.StartAsync();
        _factory = new SpeBotFactory(_slack, new() { ["Slack:AckBudgetMs"] = "300" },
            s => s.AddSingleton<ICommandHandler, SlowHandler>());
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _slack.DisposeAsync();
    }

    private sealed class SlowHandler : ICommandHandler
    {
        public string Verb => "slow";

        public async Task<Reply> HandleAsync(CommandContext context, CancellationToken ct)
        {
            await Task.Delay(1500, ct);
            return Reply.Text("propose.created", new() { ["ref"] = "SPE-42", ["title"] = "the slow answer" });
        }
    }

    [Fact]
    public async Task SlowCommandIsAckedWithinBudgetAndAnsweredOnTheResponseUrl()
    {
        var client = _factory.CreateClient();
        await client.SendAsync(SignedSlackRequest.Command("help")); // warm up the host so the bound measures the ack only

        var watch = Stopwatch.StartNew();
        var response = await client.SendAsync(SignedSlackRequest.Command("slow", responseUrl: _slack.ResponseUrl()));
        watch.Stop();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // The handler takes 1500 ms; an ack before it finished is the point (the budget is 300 ms, load adds slack).
        Assert.True(watch.ElapsedMilliseconds < 1450, $"ack took {watch.ElapsedMilliseconds} ms");
        var ack = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("ephemeral", ack["response_type"]!.GetValue<string>());
        Assert.StartsWith("Working on it", ack["text"]!.GetValue<string>());
        Assert.Empty(_slack.CallsTo("response_url"));

        await SpeBotFactory.WaitUntilAsync(() => _slack.CallsTo("response_url").Count == 1, what: "late reply on the response_url");
        var late = _slack.CallsTo("response_url")[0].Body;
        Assert.Contains("the slow answer", late["text"]!.GetValue<string>());
        Assert.Contains("SPE-42", late["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task WorkingOnItAckIsInTheReadersLanguage()
    {
        var client = _factory.CreateClient();
        await client.SendAsync(SignedSlackRequest.Command("lang ja", user: "U777"));
        var response = await client.SendAsync(SignedSlackRequest.Command("slow", user: "U777", responseUrl: _slack.ResponseUrl()));
        var ack = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.StartsWith("処理中です", ack["text"]!.GetValue<string>());
        await SpeBotFactory.WaitUntilAsync(() => _slack.CallsTo("response_url").Count == 1, what: "late reply");
    }
}

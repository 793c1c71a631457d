namespace SpeBot.Tests.Support;

/// <summary>One fake Slack and one host shared by a test class whose tests do not depend on each other's data.</summary>
public class SlackHostFixture : IAsyncLifetime
{
    public FakeSlackApi Slack { get; private set; } = null!;
    public SpeBotFactory Factory { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;
    public SlackDb Db { get; private set; } = null!;

    protected virtual Dictionary<string, string?> Settings => [];

    public async Task InitializeAsync()
    {
        Slack = await FakeSlackApi.StartAsync();
        Factory = new SpeBotFactory(Slack, Settings);
        Client = Factory.CreateClient();
        Db = new SlackDb(Factory);
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Slack.DisposeAsync();
    }
}

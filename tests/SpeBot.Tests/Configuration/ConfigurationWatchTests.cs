using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.DependencyInjection;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Configuration;

/// <summary>
/// A configuration file that reloads on change puts a watcher on the whole content root, where the default database
/// lives (data/spebot.db): each WAL write became a file event for the bot to handle, about a tenth of its proposals per
/// second in process. The files are read once instead.
/// </summary>
public sealed class ConfigurationWatchTests
{
    [Fact]
    public void TheBotReadsItsConfigurationFilesOnceAndWatchesNoFolder()
    {
        using var factory = new SpeBotFactory(null);
        factory.CreateClient().Dispose();

        var root = (IConfigurationRoot)factory.Services.GetRequiredService<IConfiguration>();
        var files = root.Providers.OfType<JsonConfigurationProvider>().Select(p => p.Source).ToList();

        Assert.Contains(files, f => f.Path == "appsettings.json");
        Assert.All(files, f => Assert.False(f.ReloadOnChange, $"{f.Path} reloads on change"));
    }
}

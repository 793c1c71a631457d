using System.Buffers.Binary;
using System.Text.Json.Nodes;

namespace SpeBot.Tests.Teams;

/// <summary>The Teams app manifest and its icons: the fields sideloading checks, which the JSON schema alone does not.</summary>
public sealed class ManifestTests
{
    private static readonly string Dir = Path.Combine(AppContext.BaseDirectory, "manifests", "teams");
    private static JsonNode Manifest => JsonNode.Parse(File.ReadAllText(Path.Combine(Dir, "manifest.json")))!;

    [Fact]
    public void ManifestDeclaresTheBotInAllThreeScopesAndTheMessageAction()
    {
        var m = Manifest;
        Assert.True(double.Parse(m["manifestVersion"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) >= 1.17);
        Assert.True(Guid.TryParse(m["id"]!.GetValue<string>(), out _));
        Assert.Matches("^#[0-9a-fA-F]{6}$", m["accentColor"]!.GetValue<string>());
        Assert.InRange(m["name"]!["short"]!.GetValue<string>().Length, 1, 30);
        Assert.InRange(m["description"]!["short"]!.GetValue<string>().Length, 1, 80);
        Assert.InRange(m["developer"]!["name"]!.GetValue<string>().Length, 1, 32);

        var bot = Assert.Single(m["bots"]!.AsArray())!;
        Assert.True(Guid.TryParse(bot["botId"]!.GetValue<string>(), out _));
        Assert.Equal(["personal", "team", "groupChat"], bot["scopes"]!.AsArray().Select(s => s!.GetValue<string>()));
        // Export sends a file consent card: without supportsFiles Teams refuses file cards (bots-filesv4).
        Assert.True(bot["supportsFiles"]!.GetValue<bool>());
        Assert.All(bot["commandLists"]![0]!["commands"]!.AsArray(), c => Assert.InRange(c!["title"]!.GetValue<string>().Length, 1, 32));

        var extension = Assert.Single(m["composeExtensions"]!.AsArray())!;
        Assert.Equal(bot["botId"]!.GetValue<string>(), extension["botId"]!.GetValue<string>());
        var command = Assert.Single(extension["commands"]!.AsArray())!;
        Assert.Equal(SpeBot.Host.Teams.TeamsForms.CommandId, command["id"]!.GetValue<string>());
        Assert.Equal("action", command["type"]!.GetValue<string>());
        Assert.Equal(["message"], command["context"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.True(command["fetchTask"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("color.png", 192)]
    [InlineData("outline.png", 32)]
    public void IconsArePngsOfTheRequiredSize(string file, int size)
    {
        var bytes = File.ReadAllBytes(Path.Combine(Dir, file));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
        Assert.Equal(size, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16, 4)));
        Assert.Equal(size, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20, 4)));
        Assert.Equal(6, bytes[25]); // RGBA: the outline needs transparency
    }
}

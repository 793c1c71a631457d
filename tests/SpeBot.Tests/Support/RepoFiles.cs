namespace SpeBot.Tests.Support;

/// <summary>Repository files the tests read (copied next to the tests by the project file, so a clean clone works).</summary>
public static class RepoFiles
{
    public static string Root => Path.Combine(AppContext.BaseDirectory, "repo");

    public static string Read(string name) => File.ReadAllText(Path.Combine(Root, name));
}

using System.Diagnostics;

namespace SpeBot.Tests.Support;

/// <summary>What a run of the built host printed and how it ended.</summary>
public sealed record HostRun(int ExitCode, string Stdout, string Stderr)
{
    public IReadOnlyList<string> ErrorLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>
/// Runs the built SpeBot.Host.dll (the one next to the tests) as its own process, the way an operator starts it:
/// <c>dotnet SpeBot.Host.dll [command]</c> in a working directory of the test's choosing, with only the environment
/// given (plus the runtime's). Start-up failures and admin commands are observed from outside: exit code and output.
/// </summary>
public static class HostProcess
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "SpeBot.Host.dll");

    public static Process Start(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        // The test runner's own settings must not leak into the bot (an ASPNETCORE_ENVIRONMENT, a Slack secret…).
        foreach (var key in start.Environment.Keys.ToList())
        {
            if (key.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase) || key.StartsWith("DOTNET_ENVIRONMENT", StringComparison.OrdinalIgnoreCase)
                || key.Contains("__", StringComparison.Ordinal) || key.StartsWith("OTEL_", StringComparison.OrdinalIgnoreCase)
                || key.Equals("Urls", StringComparison.OrdinalIgnoreCase))
                start.Environment.Remove(key);
        }
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (k, v) in environment) start.Environment[k] = v;
        return Process.Start(start)!;
    }

    /// <summary>Runs to the end (killed after <paramref name="timeoutSeconds"/>, which fails the test).</summary>
    public static async Task<HostRun> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string> environment, string[] args,
                                               int timeoutSeconds = 90)
    {
        using var process = Start(workingDirectory, environment, args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"SpeBot.Host {string.Join(' ', args)} did not exit within {timeoutSeconds} s:\n{await stdout}\n{await stderr}");
        }
        return new HostRun(process.ExitCode, await stdout, await stderr);
    }
}

/// <summary>A temp folder for one process run (working directory, database, backups), deleted afterwards.</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"spebot-run-{Guid.NewGuid():N}");

    public TempFolder() => Directory.CreateDirectory(Path);

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

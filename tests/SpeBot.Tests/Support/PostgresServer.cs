using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using SpeBot.Core.Storage;

namespace SpeBot.Tests.Support;

/// <summary>
/// The PostgreSQL server of this test run: <c>SPEBOT_TEST_POSTGRES</c> when it names one (a connection string to a running
/// server whose user may create databases), otherwise ONE throwaway server started on first use by
/// <c>tests/postgres.sh</c> with <c>--fast</c> (fsync off: nothing in a test must survive a power cut, and the suite runs
/// several times faster) and stopped and deleted when the process exits (and by the script's watchdog if the process is
/// killed). Each test gets its own database, cloned from a template migrated once (<c>CREATE DATABASE … TEMPLATE</c>
/// copies files, far faster than migrating), dropped when the test disposes it.
/// PostgreSQL tests are skipped only when no server binaries exist (or <c>SPEBOT_TEST_NO_POSTGRES=1</c> hides them, to
/// check the skip): <see cref="Unavailable"/> says why.
/// </summary>
public static class PostgresServer
{
    private const string Template = "spebot_template";
    private static readonly Lazy<string?> Missing = new(FindMissing);
    private static readonly Lazy<string> Server = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);
    private static string? _folder;

    /// <summary>Null when PostgreSQL tests can run; otherwise why they are skipped.</summary>
    public static string? Unavailable => Missing.Value;

    /// <summary>A connection string to a new, migrated, empty database; drop it with <see cref="Drop"/>.</summary>
    public static string CreateDatabase(bool migrated = true)
    {
        var server = Server.Value;
        var name = $"spebot_t_{Guid.NewGuid():N}";
        using (var admin = new NpgsqlConnection(server))
        {
            admin.Open();
            using var create = admin.CreateCommand();
            create.CommandText = migrated ? $"CREATE DATABASE {name} TEMPLATE {Template}" : $"CREATE DATABASE {name}";
            create.ExecuteNonQuery();
        }
        // A small pool per database: test classes run in parallel against one server (max_connections 300), and a test's
        // burst of writes waits for a pooled connection rather than failing the server's connection limit.
        return new NpgsqlConnectionStringBuilder(server) { Database = name, Pooling = true, MaxPoolSize = 20, Timeout = 60 }.ConnectionString;
    }

    /// <summary>Drops the database (closing whatever connections are left to it).</summary>
    public static void Drop(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        using var admin = new NpgsqlConnection(Server.Value);
        admin.Open();
        using var drop = admin.CreateCommand();
        drop.CommandText = $"DROP DATABASE IF EXISTS {name} WITH (FORCE)";
        drop.ExecuteNonQuery();
    }

    private static string? FindMissing()
    {
        if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("SPEBOT_TEST_POSTGRES"))) return null;
        if (Environment.GetEnvironmentVariable("SPEBOT_TEST_NO_POSTGRES") == "1")
            return "SPEBOT_TEST_NO_POSTGRES=1 hides the PostgreSQL binaries: PostgreSQL tests skipped.";
        var (code, _, error) = Script("bindir");
        return code == 0 ? null : $"No PostgreSQL server binaries ({error.Trim()}): PostgreSQL tests skipped. Install the postgresql package to run them.";
    }

    private static string Start()
    {
        if (Unavailable is { } why) throw new InvalidOperationException(why);
        var server = Environment.GetEnvironmentVariable("SPEBOT_TEST_POSTGRES");
        if (string.IsNullOrWhiteSpace(server))
        {
            _folder = Path.Combine(Path.GetTempPath(), $"spebot-pg-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
            AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop();
            var (code, output, error) = Script("start", _folder, "--fast", "--owner-pid", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (code != 0)
            {
                Stop();
                throw new InvalidOperationException($"tests/postgres.sh could not start PostgreSQL: {error}");
            }
            server = output.Trim().Split('\n')[^1];
        }
        // Each test's pool closes with its data source; a lingering idle connection to the template would block CREATE DATABASE.
        server = new NpgsqlConnectionStringBuilder(server) { Pooling = false }.ConnectionString;
        using (var admin = new NpgsqlConnection(server))
        {
            admin.Open();
            // Two commands: CREATE DATABASE cannot share a batch (an implicit transaction) with another statement.
            foreach (var sql in new[] { $"DROP DATABASE IF EXISTS {Template} WITH (FORCE)", $"CREATE DATABASE {Template}" })
            {
                using var command = admin.CreateCommand();
                command.CommandText = sql;
                command.ExecuteNonQuery();
            }
        }
        var template = new NpgsqlConnectionStringBuilder(server) { Database = Template, Pooling = false }.ConnectionString;
        var db = new PostgresDatabase(template);
        try
        {
            new Migrator(db, TimeProvider.System, NullLogger<Migrator>.Instance).MigrateAsync().GetAwaiter().GetResult();
        }
        finally
        {
            db.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        return server;
    }

    private static void Stop()
    {
        if (Interlocked.Exchange(ref _folder, null) is { } folder) Script("stop", folder);
    }

    private static (int Code, string Output, string Error) Script(params string[] args)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(RepoFiles.Root, "postgres.sh"));
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, output.Result, error.Result);
    }
}

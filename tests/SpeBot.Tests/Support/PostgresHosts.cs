using System.Net;
using System.Net.Sockets;
using Dapper;
using Npgsql;

namespace SpeBot.Tests.Support;

/// <summary>
/// Several SpeBot hosts on one PostgreSQL database (issue 15, <see cref="SpeBotFactory.OnPostgres"/>): reads and writes
/// of the shared database as an operator would make them.
/// </summary>
public static class PostgresHosts
{
    public static T Scalar<T>(string connectionString, string sql, object? args = null)
    {
        using var c = new NpgsqlConnection(connectionString);
        return c.ExecuteScalar<T>(sql, args)!;
    }

    public static IReadOnlyList<T> Query<T>(string connectionString, string sql, object? args = null)
    {
        using var c = new NpgsqlConnection(connectionString);
        return c.Query<T>(sql, args).ToList();
    }

    public static void Execute(string connectionString, string sql, object? args = null)
    {
        using var c = new NpgsqlConnection(connectionString);
        c.Execute(sql, args);
    }
}

/// <summary>
/// A loopback address that accepts connections and never answers: a Web API call to it hangs until the caller's timeout,
/// which is how an instance is caught holding outbox leases when it is killed.
/// </summary>
public sealed class BlackHole : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<Socket> _held = [];
    private readonly Task _accepting;

    public BlackHole()
    {
        _listener.Start();
        BaseUrl = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/api/";
        _accepting = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    var socket = await _listener.AcceptSocketAsync();
                    lock (_held) _held.Add(socket);
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }
        });
    }

    public string BaseUrl { get; }

    public int Connections
    {
        get
        {
            lock (_held) return _held.Count;
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        lock (_held)
        {
            foreach (var s in _held) s.Dispose();
        }
        _accepting.Wait(TimeSpan.FromSeconds(5));
    }
}

using System.Reflection;
using SpeBot.Core.Storage;
using Xunit.Sdk;

namespace SpeBot.Tests.Support;

/// <summary>
/// Theory data: each storage provider a store test runs against. PostgreSQL is left out only when its binaries are
/// missing (<see cref="PostgresServer.Unavailable"/>); <see cref="PostgresFactAttribute"/> tests then show the reason
/// as their skip message, so a run without PostgreSQL says so instead of passing quietly.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ProvidersAttribute : DataAttribute
{
    public override IEnumerable<object[]> GetData(MethodInfo testMethod)
    {
        foreach (var p in Providers.Available()) yield return [p];
    }
}

/// <summary>Theory data crossed with the providers, for store theories that have data of their own.</summary>
public static class Providers
{
    public static IEnumerable<StorageProvider> Available()
    {
        yield return StorageProvider.Sqlite;
        if (PostgresServer.Unavailable is null) yield return StorageProvider.Postgres;
    }

    public static TheoryData<StorageProvider, T> Cross<T>(IEnumerable<T> rows)
    {
        var data = new TheoryData<StorageProvider, T>();
        foreach (var p in Available())
            foreach (var r in rows) data.Add(p, r);
        return data;
    }

    public static TheoryData<StorageProvider, T1, T2, T3> Cross<T1, T2, T3>(IEnumerable<(T1, T2, T3)> rows)
    {
        var data = new TheoryData<StorageProvider, T1, T2, T3>();
        foreach (var p in Available())
            foreach (var (a, b, c) in rows) data.Add(p, a, b, c);
        return data;
    }
}

/// <summary>A fact that needs PostgreSQL: skipped, with the reason, when no server binaries exist.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresServer.Unavailable is { } why) Skip = why;
    }
}

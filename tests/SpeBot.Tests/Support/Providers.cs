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
        yield return [StorageProvider.Sqlite];
        if (PostgresServer.Unavailable is null) yield return [StorageProvider.Postgres];
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

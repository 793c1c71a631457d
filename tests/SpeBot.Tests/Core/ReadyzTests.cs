using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SpeBot.Core.Storage;
using SpeBot.Host.Health;
using SpeBot.Tests.Support;

namespace SpeBot.Tests.Core;

/// <summary>/readyz: 503 until migrations are applied and the database answers, and while any "ready"-tagged check fails.</summary>
public sealed class ReadyzTests
{
    [Fact]
    public async Task DatabaseIsNotReadyBeforeMigrationsAndReadyAfter()
    {
        var path = Path.Combine(Path.GetTempPath(), $"spebot-ready-{Guid.NewGuid():N}.db");
        var db = new SqliteDatabase(Microsoft.Extensions.Options.Options.Create(new StorageOptions { Path = path }));
        try
        {
            var migrator = new Migrator(db, new FakeTimeProvider(), NullLogger<Migrator>.Instance);
            var check = new DatabaseReadiness(db, migrator);
            var context = new HealthCheckContext { Registration = new HealthCheckRegistration("database", check, null, null) };

            var before = await check.CheckHealthAsync(context);
            await migrator.MigrateAsync();
            var after = await check.CheckHealthAsync(context);

            Assert.Equal(HealthStatus.Unhealthy, before.Status);
            Assert.Contains("migrations not applied", before.Description, StringComparison.Ordinal);
            Assert.Equal(HealthStatus.Healthy, after.Status);
        }
        finally
        {
            await db.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            SpeBotFactory.DeleteDatabase(path);
        }
    }

    [Fact]
    public async Task ReadyzIs200WithTheDatabaseCheckOnceStarted()
    {
        using var factory = new SpeBotFactory(null);
        var response = await factory.CreateClient().GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("ready", json["status"]!.GetValue<string>());
        Assert.Equal("healthy", json["checks"]!["database"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task ReadyzIs503WhileTheSchemaIsBehindTheBuildAndHealthzStays200()
    {
        using var factory = new SpeBotFactory(null);
        var client = factory.CreateClient();
        var latest = Migrator.Embedded().Max(m => m.Version);
        // As if the newest migration had not run yet.
        var name = factory.Query<string>("DELETE FROM schema_migrations WHERE version = @latest RETURNING name", new { latest }).Single();

        var during = await client.GetAsync("/readyz");
        var live = await client.GetAsync("/healthz");
        factory.Query<int>("INSERT INTO schema_migrations (version, name, applied_at) VALUES (@latest, @name, '2026-01-01T00:00:00.000Z') RETURNING 1",
            new { latest, name });
        var after = await client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
        Assert.Contains("migrations not applied", await during.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task AnyFailingReadyTaggedCheckMakesReadyz503AndAnUntaggedOneDoesNot()
    {
        var socketUp = false;
        using var factory = new SpeBotFactory(null, services: s => s.AddHealthChecks()
            // Stands for Socket Mode's connection check, which registers itself tagged "ready".
            .AddCheck("slack-socket", () => socketUp ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("disconnected"), [HealthEndpoints.ReadyTag])
            .AddCheck("not-about-readiness", () => HealthCheckResult.Unhealthy()));
        var client = factory.CreateClient();

        var down = await client.GetAsync("/readyz");
        socketUp = true;
        var up = await client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        var json = JsonNode.Parse(await down.Content.ReadAsStringAsync())!;
        Assert.Equal("unhealthy", json["checks"]!["slack-socket"]!["status"]!.GetValue<string>());
        Assert.Null(json["checks"]!["not-about-readiness"]);
        Assert.Equal(HttpStatusCode.OK, up.StatusCode);
    }
}

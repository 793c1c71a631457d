using Microsoft.Extensions.Options;
using SpeBot.Core.Capacity;
using SpeBot.Core.Workspaces;

namespace SpeBot.Core.Schedules;

/// <summary>Seeds the "Schedules:Entries" configuration into the schedules table (idempotent, source = 'config').</summary>
public sealed class ScheduleSeeder(ScheduleStore schedules, WorkspaceStore workspaces, IOptions<ScheduleOptions> options, IOptions<SpeBotOptions> spebot)
{
    public async Task SeedAsync(CancellationToken ct)
    {
        var wanted = new List<(long, string, string, Cron, string)>();
        foreach (var e in options.Value.Entries)
        {
            var workspace = await workspaces.EnsureAsync(PlatformNames.Parse(e.Platform), e.Workspace, ct);
            var zone = When.Zone(e.TimeZone) ?? Weeks.Zone(workspace.TimeZone, spebot.Value.DefaultTimeZone);
            // Validated at start-up (ScheduleOptions.Validate), so the parse cannot fail here.
            When.TryParse(e.When, out var cron);
            wanted.Add((workspace.Id, e.Kind.ToLowerInvariant(), e.Channel, cron, zone.Id));
        }
        await schedules.SeedAsync(wanted, ct);
    }
}

/// <summary>Used when no scheduler is wired (core-only tests); the Host replaces it with Quartz.</summary>
internal sealed class NoScheduleSync : IScheduleSync
{
    public Task SyncAsync(CancellationToken ct) => Task.CompletedTask;
}


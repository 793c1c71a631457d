using Microsoft.Extensions.DependencyInjection;
using SpeBot.Core.Commands;
using SpeBot.Core.Discovery;
using SpeBot.Core.Items;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SpeBot.Core.Outbox;
using SpeBot.Core.Schedules;
using SpeBot.Core.Storage;
using SpeBot.Core.Text;
using SpeBot.Core.Workspaces;

namespace SpeBot.Core;

public static class CoreServiceCollectionExtensions
{
    public static IServiceCollection AddSpeBotCore(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SpeBotOptions>().BindConfigurationReplacingLists(SpeBotOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        // One Database for the process, of the configured provider (Storage:Provider); every store takes the abstract type.
        services.AddSingleton<Database>(sp =>
        {
            var storage = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<StorageOptions>>();
            return storage.Value.Kind == StorageProvider.Postgres ? new PostgresDatabase(storage) : new SqliteDatabase(storage);
        });
        services.AddSingleton<Migrator>();
        services.AddSingleton<MessageCatalog>();
        services.AddSingleton<WorkspaceStore>();
        services.AddSingleton<ItemStore>();
        services.AddSingleton<ItemSettling>();
        services.AddSingleton<OutboxStore>();
        services.AddSingleton<DeadLetters>();
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<PostedMessageStore>();
        services.AddSingleton<Proposals>();
        services.AddSingleton<Votes>();
        services.AddSingleton<Lifecycle>();
        services.AddSingleton<Notices>();
        services.AddSingleton<Schedules.NudgeDelivery>();
        services.AddSingleton<Capacity.CapacityStore>();
        services.AddSingleton<Exports.Exporter>();
        services.AddSingleton<ItemQueries>();
        services.AddSingleton<CardUpdates>();
        services.AddOptions<Dashboard.DashboardOptions>().BindConfiguration(Dashboard.DashboardOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Dashboard.DashboardSessions>();
        services.AddSingleton<Dashboard.DashboardQueries>();
        services.AddSingleton<Events.Inbox>();
        services.AddOptions<ScheduleOptions>().BindConfigurationReplacingLists(ScheduleOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ScheduleStore>();
        services.AddSingleton<JobRuns>();
        services.AddSingleton<ScheduleSeeder>();
        services.AddSingleton<ScheduleRunner>();
        services.TryAddSingleton<IScheduleSync, NoScheduleSync>();
        services.AddSingleton<DigestBuilder>();
        services.AddSingleton<DigestPost>();
        services.AddSingleton<IScheduledPost>(sp => sp.GetRequiredService<DigestPost>());
        services.AddSingleton<IScheduledPost, NudgePost>();
        services.AddSingleton<NudgeSettings>();
        // No platform source registered (core-only tests): every lookup is null and nudges use the workspace's zone.
        services.TryAddSingleton<IUserTimeZones, UserTimeZones>();
        services.AddOptions<Retro.RetroOptions>().BindConfiguration(Retro.RetroOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<Schedules.IDueTimers, Schedules.NoDueTimers>();
        services.AddSingleton<Retro.RetroPolls>();
        services.AddSingleton<IScheduledPost, Retro.RetroPost>();
        services.AddOptions<Oncall.OncallOptions>().BindConfiguration(Oncall.OncallOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Oncall.ShiftStore>();
        services.AddSingleton<Oncall.Handoffs>();
        services.AddSingleton<Oncall.HandoffBuilder>();
        services.AddSingleton<IScheduledPost, Oncall.HandoffPost>();
        services.AddDiscoveryCore();

        // The routing table: one line per verb.
        services.AddSingleton<ICommandHandler, Propose>();
        services.AddSingleton<ICommandHandler, ListItems>();
        services.AddSingleton<ICommandHandler, TopItems>();
        services.AddSingleton<ICommandHandler, ShowItem>();
        services.AddSingleton<ICommandHandler, SearchItems>();
        services.AddSingleton<ICommandHandler, MyItems>();
        ItemVerb("accept", false, (l, a, n, _, ct) => l.AcceptAsync(a, n, ct));
        ItemVerb("decline", true, (l, a, n, reason, ct) => l.DeclineAsync(a, n, reason, ct));
        ItemVerb("withdraw", false, (l, a, n, _, ct) => l.WithdrawAsync(a, n, ct));
        ItemVerb("reopen", false, (l, a, n, _, ct) => l.ReopenAsync(a, n, ct));
        ItemVerb("claim", false, (l, a, n, _, ct) => l.ClaimAsync(a, n, ct));
        ItemVerb("release", false, (l, a, n, _, ct) => l.ReleaseAsync(a, n, ct));
        ItemVerb("update", true, (l, a, n, note, ct) => l.UpdateAsync(a, n, note, ct));
        services.AddSingleton<ICommandHandler, Merge>();
        services.AddSingleton<ICommandHandler, Assign>();
        services.AddSingleton<ICommandHandler, Done>();
        services.AddSingleton<ICommandHandler, Maintainers>();
        services.AddSingleton<ICommandHandler, LogHours>();
        services.AddSingleton<ICommandHandler, Pledge>();
        services.AddSingleton<ICommandHandler, CapacityReport>();
        services.AddSingleton<ICommandHandler, Export>();
        services.AddSingleton<ICommandHandler, DashboardLink>();
        services.AddSingleton<ICommandHandler, Lang>();
        services.AddSingleton<ICommandHandler, ScheduleAdd>();
        services.AddSingleton<ICommandHandler, ScheduleList>();
        services.AddSingleton<ICommandHandler, Unschedule>();
        services.AddSingleton<ICommandHandler, DigestNow>();
        services.AddSingleton<ICommandHandler, NudgesCommand>();
        services.AddSingleton<ICommandHandler, RetroCommand>();
        services.AddSingleton<ICommandHandler, OncallCommand>();
        services.AddSingleton<ICommandHandler, NoteCommand>();
        services.AddSingleton<ICommandHandler, HandoffCommand>();
        services.AddSingleton<ICommandHandler, AdminOutbox>();
        services.AddSingleton<CommandRouter>();
        return services;

        void ItemVerb(string verb, bool needsText, Func<Lifecycle, Actor, long, string, CancellationToken, Task<Message>> act) =>
            services.AddSingleton<ICommandHandler>(sp =>
            {
                var lifecycle = sp.GetRequiredService<Lifecycle>();
                return new Commands.ItemVerb(verb, needsText, (a, n, text, ct) => act(lifecycle, a, n, text, ct));
            });
    }
}

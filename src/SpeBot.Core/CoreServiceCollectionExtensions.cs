using Microsoft.Extensions.DependencyInjection;
using SpeBot.Core.Commands;
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
        services.AddOptions<SpeBotOptions>().BindConfiguration(SpeBotOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<Database>();
        services.AddSingleton<Migrator>();
        services.AddSingleton<MessageCatalog>();
        services.AddSingleton<WorkspaceStore>();
        services.AddSingleton<ItemStore>();
        services.AddSingleton<OutboxStore>();
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<PostedMessageStore>();
        services.AddSingleton<Proposals>();
        services.AddSingleton<Votes>();
        services.AddSingleton<Lifecycle>();
        services.AddSingleton<Notices>();
        services.AddSingleton<Capacity.CapacityStore>();
        services.AddSingleton<Exports.Exporter>();
        services.AddSingleton<ItemQueries>();
        services.AddSingleton<CardUpdates>();
        services.AddSingleton<Events.Inbox>();
        services.AddOptions<ScheduleOptions>().BindConfiguration(ScheduleOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ScheduleStore>();
        services.AddSingleton<ScheduleSeeder>();
        services.AddSingleton<ScheduleRunner>();
        services.TryAddSingleton<IScheduleSync, NoScheduleSync>();
        services.AddSingleton<DigestBuilder>();
        services.AddSingleton<DigestPost>();
        services.AddSingleton<IScheduledPost>(sp => sp.GetRequiredService<DigestPost>());
        services.AddSingleton<IScheduledPost, NudgePost>();
        services.AddSingleton<NudgeSettings>();
        services.TryAddSingleton<IUserTimeZones, NoUserTimeZones>();
        services.AddOptions<Retro.RetroOptions>().BindConfiguration(Retro.RetroOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<Retro.IDueTimers, Retro.NoDueTimers>();
        services.AddSingleton<Retro.RetroPolls>();
        services.AddSingleton<IScheduledPost, Retro.RetroPost>();
        services.AddOptions<Oncall.OncallOptions>().BindConfiguration(Oncall.OncallOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Oncall.ShiftStore>();
        services.AddSingleton<Oncall.Handoffs>();
        services.AddSingleton<Oncall.HandoffBuilder>();
        services.AddSingleton<IScheduledPost, Oncall.HandoffPost>();

        // The routing table: one line per verb.
        services.AddSingleton<ICommandHandler, Propose>();
        services.AddSingleton<ICommandHandler, ListItems>();
        services.AddSingleton<ICommandHandler, TopItems>();
        services.AddSingleton<ICommandHandler, ShowItem>();
        services.AddSingleton<ICommandHandler, SearchItems>();
        services.AddSingleton<ICommandHandler, MyItems>();
        services.AddSingleton<ICommandHandler, Accept>();
        services.AddSingleton<ICommandHandler, Decline>();
        services.AddSingleton<ICommandHandler, Withdraw>();
        services.AddSingleton<ICommandHandler, Merge>();
        services.AddSingleton<ICommandHandler, Reopen>();
        services.AddSingleton<ICommandHandler, Claim>();
        services.AddSingleton<ICommandHandler, Release>();
        services.AddSingleton<ICommandHandler, Assign>();
        services.AddSingleton<ICommandHandler, Update>();
        services.AddSingleton<ICommandHandler, Done>();
        services.AddSingleton<ICommandHandler, Maintainers>();
        services.AddSingleton<ICommandHandler, LogHours>();
        services.AddSingleton<ICommandHandler, Pledge>();
        services.AddSingleton<ICommandHandler, CapacityReport>();
        services.AddSingleton<ICommandHandler, Export>();
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
        services.AddSingleton<CommandRouter>();
        return services;
    }
}

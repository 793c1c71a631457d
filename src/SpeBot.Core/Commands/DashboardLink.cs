using Microsoft.Extensions.Options;
using SpeBot.Core.Dashboard;

namespace SpeBot.Core.Commands;

/// <summary>
/// <c>/spe dashboard</c>: a private, one-time link (10 minutes) that signs this person into this workspace's dashboard.
/// The reply is only ever shown to the person who asked: whoever opens the link first is signed in as them.
/// </summary>
public sealed class DashboardLink(DashboardSessions sessions, IOptions<DashboardOptions> options) : ICommandHandler
{
    public string Verb => "dashboard";

    public async Task<Reply> HandleAsync(CommandContext context, CancellationToken ct)
    {
        var token = await sessions.CreateLinkAsync(context.Workspace.Id, context.UserId, context.Locale, ct);
        return Reply.Text("dashboard.link", new()
        {
            ["url"] = options.Value.SignInUrl(token), ["minutes"] = (int)DashboardOptions.LinkLifetime.TotalMinutes,
        }) with { Visibility = ReplyVisibility.OnlyToUser };
    }
}

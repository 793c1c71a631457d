using System.Globalization;
using System.Text.RegularExpressions;
using SpeBot.Core.Commands;
using SpeBot.Core.Items;
using SpeBot.Core.Text;
using SpeBot.Core.Workspaces;

namespace SpeBot.Core.Discovery;

/// <summary>
/// <c>/spe track SPE-n owner/repo</c> (maintainers or the claimer): creates a GitHub issue for the item and links the two;
/// the issue's webhooks then keep the item in step (closed → done, reopened → reopened).
/// </summary>
public sealed class TrackCommand(IGitHubIssues github, ItemStore items, ItemQueries queries, Discoveries discoveries,
                                         WorkspaceStore workspaces, MessageCatalog catalog, IItemLinks links) : ICommandHandler
{
    public string Verb => "track";

    public async Task<Reply> HandleAsync(CommandContext c, CancellationToken ct)
    {
        var args = c.Parsed.Args;
        if (args.Count != 2 || !ItemRef.TryParse(args[0].Text, out var number) || !RepoName.IsMatch(args[1].Text)) return Reply.Text("help.track");
        if (!github.Enabled) return Reply.Text("track.off");
        var repo = args[1].Text;
        var item = await items.GetByNumberAsync(c.Workspace.Id, number, ct);
        if (item is null) return Reply.Text("error.not_found", new() { ["ref"] = ItemRef.Format(number) });
        if (item.ClaimedBy != c.UserId && !await workspaces.IsMaintainerAsync(c.Workspace.Id, c.UserId, ct))
            return Reply.Text("refuse.claimer", new() { ["user"] = item.ClaimedBy is null ? null : new UserRef(item.ClaimedBy) });
        if (item.TrackedUrl is not null) return Reply.Text("track.already", new() { ["ref"] = item.Ref, ["url"] = item.TrackedUrl });

        var view = queries.View(item);
        var body = catalog.Format(c.Locale, new Message("track.issue_body", new()
        {
            ["ref"] = item.Ref,
            ["detail"] = item.Detail ?? "",
            ["score"] = view.Score.ToString("0.##", CultureInfo.InvariantCulture),
            ["votes"] = item.Votes,
            ["link"] = await links.LinkAsync(item, ct) ?? "",
        }), PlainText.Instance);
        var created = await github.CreateIssueAsync(repo, $"{item.Ref}: {item.Title}", body, ct);
        if (!created.Ok) return Reply.Text("track.failed", new() { ["repo"] = repo, ["status"] = created.Status, ["error"] = created.Error ?? "" });
        await discoveries.TrackAsync(c.Command.Platform, item.Id, c.UserId, created.Url!, GitHubDiscovery.IssueKey(repo, created.Number), ct);
        return Reply.Text("track.done", new() { ["ref"] = item.Ref, ["url"] = created.Url });
    }

    private static readonly Regex RepoName = new(@"^[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}$");
}

using SpeBot.Core.Items;

namespace SpeBot.Core.Retro;

public static class PollQuestions
{
    /// <summary>"Which done item mattered most?"</summary>
    public const string Done = "done";
    /// <summary>"What next?"</summary>
    public const string Next = "next";

    public static readonly IReadOnlyList<string> All = [Done, Next];
}

/// <summary>One option as a reader sees it. <see cref="Voters"/> is always empty for an anonymous poll.</summary>
public sealed record PollChoice(string OptionId, Item? Item, int Votes, IReadOnlyList<string> Voters, bool Winner);

public sealed record PollQuestionView(string Question, IReadOnlyList<PollChoice> Choices)
{
    public PollChoice? Winner => Choices.FirstOrDefault(c => c.Winner);
}

/// <summary>
/// A poll as renderers see it. While open, only <see cref="VoterCount"/> is meaningful to show; tallies are
/// filled in but renderers must hide them until <see cref="Closed"/>.
/// </summary>
public sealed record PollView(Poll Poll, IReadOnlyList<PollQuestionView> Questions, int VoterCount)
{
    public bool Closed => Poll.ClosedAt is not null;

    internal static PollView Build(Poll poll, IReadOnlyList<PollOptionRow> options, IReadOnlyList<PollVoteRow> votes, IReadOnlyDictionary<long, Item> items)
    {
        var questions = PollQuestions.All.Select(q =>
        {
            var choices = options.Where(o => o.Question == q).OrderBy(o => o.Position).Select(o =>
            {
                var voters = votes.Where(v => v.Question == q && v.OptionId == o.OptionId).Select(v => v.VoterId).ToList();
                return (o, voters);
            }).ToList();
            var top = choices.Count == 0 ? 0 : choices.Max(c => c.voters.Count);
            // Ties go to the earlier option (higher in the list when the poll opened), so the result is stable.
            var winner = top == 0 ? null : choices.First(c => c.voters.Count == top).o.OptionId;
            return new PollQuestionView(q, choices.Select(c => new PollChoice(
                c.o.OptionId, c.o.ItemId is { } id ? items.GetValueOrDefault(id) : null, c.voters.Count,
                poll.Anonymous ? [] : c.voters, c.o.OptionId == winner)).ToList());
        }).ToList();
        return new PollView(poll, questions, votes.Select(v => v.VoterId).Distinct(StringComparer.Ordinal).Count());
    }
}

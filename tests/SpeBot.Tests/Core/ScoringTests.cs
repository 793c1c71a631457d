using SpeBot.Core;
using SpeBot.Core.Items;

namespace SpeBot.Tests.Core;

public sealed class ScoringTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 0, 0, 0, TimeSpan.Zero);

    private static Item Item(int votes, int? impact = null, int? effort = null, int ageDays = 0) =>
        new() { Votes = votes, Impact = impact, Effort = effort, CreatedAt = Now.AddDays(-ageDays) };

    [Fact]
    public void BareProposalScoresByVotesAlone()
    {
        var w = new ScoreWeights();
        Assert.Equal(1, Scoring.Score(Item(0), w, Now));
        Assert.Equal(4, Scoring.Score(Item(3), w, Now));
    }

    [Fact]
    public void ImpactRaisesAndEffortLowersTheScore()
    {
        var w = new ScoreWeights();
        // (1 + 2) × (5/3) ÷ (1/3) = 15
        Assert.Equal(15, Scoring.Score(Item(2, impact: 5, effort: 1), w, Now));
        // (1 + 2) × (1/3) ÷ (5/3) = 0.6
        Assert.Equal(0.6, Scoring.Score(Item(2, impact: 1, effort: 5), w, Now));
    }

    [Fact]
    public void AgeLiftsOldItemsUpToTheCap()
    {
        var w = new ScoreWeights { AgePerWeek = 0.1, AgeCapWeeks = 4 };
        Assert.Equal(1.2, Scoring.Score(Item(0, ageDays: 14), w, Now));
        Assert.Equal(1.4, Scoring.Score(Item(0, ageDays: 70), w, Now));
    }

    [Fact]
    public void WorkspaceWeightsChangeTheOrder()
    {
        var popular = Item(9, impact: 2, effort: 4);
        var impactful = Item(1, impact: 5, effort: 2);
        var votesFirst = new ScoreWeights { Votes = 1, Impact = 0, Effort = 0 };
        var impactFirst = new ScoreWeights { Votes = 0.2, Impact = 2, Effort = 1 };
        Assert.True(Scoring.Score(popular, votesFirst, Now) > Scoring.Score(impactful, votesFirst, Now));
        Assert.True(Scoring.Score(impactful, impactFirst, Now) > Scoring.Score(popular, impactFirst, Now));
    }
}

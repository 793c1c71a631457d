namespace SpeBot.Core.Items;

/// <summary>
/// score = (1 + votes)^Wv × (impact/3)^Wi ÷ (effort/3)^We × (1 + Wa × min(ageWeeks, cap)).
/// Unset impact or effort count as the middle value 3, so a bare proposal scores by votes alone;
/// age lifts old, still-wanted items a little so they do not sink forever.
/// The score is split in two for indexing: <see cref="Base"/> (time-free, stored on the item as base_score) and the
/// age factor, which lies between 1 and <see cref="MaxAgeFactor"/>.
/// </summary>
public static class Scoring
{
    public static double Score(Item item, ScoreWeights w, DateTimeOffset now) =>
        Math.Round(Base(item.Votes, item.Impact, item.Effort, w) * AgeFactor(item.CreatedAt, w, now), 2);

    /// <summary>The time-free part: (1 + votes)^Wv × (impact/3)^Wi ÷ (effort/3)^We.</summary>
    public static double Base(long votes, int? impact, int? effort, ScoreWeights w) => Base(votes, impact, effort, w.Votes, w.Impact, w.Effort);

    /// <summary>The same, with the weights apart (the vote path's SQL function passes them as arguments).</summary>
    public static double Base(long votes, int? impact, int? effort, double wVotes, double wImpact, double wEffort) =>
        Math.Pow(1 + votes, wVotes) * Math.Pow((impact ?? 3) / 3.0, wImpact) / Math.Pow((effort ?? 3) / 3.0, wEffort);

    public static double AgeFactor(DateTimeOffset createdAt, ScoreWeights w, DateTimeOffset now) =>
        1 + w.AgePerWeek * Math.Clamp((now - createdAt).TotalDays / 7.0, 0, Math.Max(0, w.AgeCapWeeks));

    /// <summary>The age factor of an item at or past the cap: no item's score exceeds its base by more.</summary>
    public static double MaxAgeFactor(ScoreWeights w) => 1 + w.AgePerWeek * Math.Max(0, w.AgeCapWeeks);
}

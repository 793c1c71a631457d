namespace SpeBot.Core.Items;

/// <summary>
/// score = (1 + votes)^Wv × (impact/3)^Wi ÷ (effort/3)^We × (1 + Wa × min(ageWeeks, cap)).
/// Unset impact or effort count as the middle value 3, so a bare proposal scores by votes alone;
/// age lifts old, still-wanted items a little so they do not sink forever.
/// </summary>
public static class Scoring
{
    public static double Score(Item item, ScoreWeights w, DateTimeOffset now)
    {
        var impact = (item.Impact ?? 3) / 3.0;
        var effort = (item.Effort ?? 3) / 3.0;
        var weeks = Math.Clamp((now - item.CreatedAt).TotalDays / 7.0, 0, w.AgeCapWeeks);
        var score = Math.Pow(1 + item.Votes, w.Votes) * Math.Pow(impact, w.Impact) / Math.Pow(effort, w.Effort)
                    * (1 + w.AgePerWeek * weeks);
        return Math.Round(score, 2);
    }
}

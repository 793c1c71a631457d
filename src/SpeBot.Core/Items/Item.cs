namespace SpeBot.Core.Items;

/// <summary>A stored SPE item (Dapper row). Shown to people as SPE-&lt;Number&gt;.</summary>
public sealed class Item
{
    public long Id { get; init; }
    public long WorkspaceId { get; init; }
    public long Number { get; init; }
    public string Title { get; init; } = "";
    public string? Detail { get; init; }
    public string Category { get; init; } = Items.Category.Other;
    public string Status { get; init; } = "proposed";
    public string AuthorPlatform { get; init; } = "slack";
    public string AuthorId { get; init; } = "";
    public string? Team { get; init; }
    public string? SourceChannel { get; init; }
    public string? SourceMessageId { get; init; }
    public string? SourcePermalink { get; init; }
    public string? SourceAuthorId { get; init; }
    public int? Impact { get; init; }
    public int? Effort { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public string? ClaimedBy { get; init; }
    public DateTimeOffset? ClaimedAt { get; init; }
    public DateTimeOffset? ProgressAt { get; init; }
    public DateTimeOffset? DoneAt { get; init; }
    public string? DoneBy { get; init; }
    public string? Evidence { get; init; }
    public string? DeclineReason { get; init; }
    public long? MergedInto { get; init; }
    /// <summary>The discovery source that proposed it (Discovery.Sources); null for items people proposed.</summary>
    public string? FoundBy { get; init; }
    public string? FindingKey { get; init; }
    /// <summary>What the signal said since (a catalog key suffix under card.finding.), e.g. a PR closed unmerged.</summary>
    public string? FindingNote { get; init; }
    public string? TrackedUrl { get; init; }
    public string? TrackedKey { get; init; }

    /// <summary>How many people vote for it; kept on the row by every vote path (ScoreIndex).</summary>
    public int Votes { get; init; }

    /// <summary>The time-free part of the score (Scoring.Base) with the configured weights; what <c>top</c> is indexed on.</summary>
    public double BaseScore { get; init; }

    public ItemStatus State => ItemLifecycle.Parse(Status);

    public string Ref => ItemRef.Format(Number);
}

public static class ItemRef
{
    public static string Format(long number) => $"SPE-{number}";

    /// <summary>Accepts "SPE-12", "spe-12", "#12" and "12".</summary>
    public static bool TryParse(string? text, out long number)
    {
        number = 0;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var t = text.Trim();
        if (t.StartsWith("SPE-", StringComparison.OrdinalIgnoreCase)) t = t[4..];
        else if (t.StartsWith('#')) t = t[1..];
        return long.TryParse(t, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out number)
               && number > 0;
    }
}

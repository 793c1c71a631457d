namespace SpeBot.Core.Storage;

/// <summary>
/// PostgreSQL advisory lock keys SpeBot uses, in one place so no two uses collide. A key is the 32-bit class below in the
/// high half and the object's id (a workspace id) in the low half; <c>pg_advisory_xact_lock(key)</c> holds it until the
/// transaction ends.
/// </summary>
public static class AdvisoryLocks
{
    /// <summary>Migrations: one migrator at a time, whichever instance starts first (<see cref="Migrator"/>).</summary>
    public const long Migrate = 0x5350_4500_0000_0001;

    private const long ItemNumberClass = 0x5350_4501;
    private const long MaintainersClass = 0x5350_4502;
    private const long VoterClass = 0x5350_4503;

    /// <summary>The next item number of one workspace (<c>ItemStore.CreateAsync</c>).</summary>
    public static long ItemNumber(long workspaceId) => (ItemNumberClass << 32) | (workspaceId & 0xFFFF_FFFF);

    /// <summary>One workspace's maintainer list (<c>WorkspaceStore</c>: the first maintainer is one person).</summary>
    public static long Maintainers(long workspaceId) => (MaintainersClass << 32) | (workspaceId & 0xFFFF_FFFF);

    /// <summary>
    /// One person's reaction vote on one item (<c>Votes</c>): whether any vote reaction remains is read, then the vote
    /// written, so two reactions of one person on two instances take turns. The low half mixes item and person; a
    /// collision only makes two unrelated votes wait for each other.
    /// </summary>
    public static long Voter(long itemId, string userId) =>
        (VoterClass << 32) | unchecked(((uint)itemId * 2654435761u) ^ StableHash(userId));

    /// <summary>FNV-1a: the same on every instance (string.GetHashCode and HashCode are randomised per process).</summary>
    private static uint StableHash(string s)
    {
        var h = 2166136261u;
        foreach (var ch in s) h = (h ^ ch) * 16777619u;
        return h;
    }
}

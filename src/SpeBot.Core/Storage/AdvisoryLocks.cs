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

    /// <summary>The next item number of one workspace (<c>ItemStore.CreateAsync</c>).</summary>
    public static long ItemNumber(long workspaceId) => (ItemNumberClass << 32) | (workspaceId & 0xFFFF_FFFF);
}

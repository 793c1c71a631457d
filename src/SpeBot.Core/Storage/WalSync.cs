using System.Runtime.InteropServices;

namespace SpeBot.Core.Storage;

/// <summary>
/// Makes the WAL's written bytes durable. On Linux fdatasync, not fsync: the WAL's size and blocks are synced either
/// way, but fsync also writes the inode for the modification time every write changes, one more device write on the
/// path every acknowledgement waits for (measured here: mean 1.1–1.3 ms against 1.2–1.8 ms). Elsewhere FileStream's
/// flush (fsync / FlushFileBuffers).
/// </summary>
internal static class WalSync
{
    public static void DataSync(FileStream file)
    {
        if (!OperatingSystem.IsLinux())
        {
            file.Flush(flushToDisk: true);
            return;
        }
        file.Flush(flushToDisk: false);
        var fd = (int)file.SafeFileHandle.DangerousGetHandle();
        if (fdatasync(fd) != 0)
            throw new IOException($"fdatasync failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int fdatasync(int fd);
}

namespace SpeBot.Host.Jobs;

/// <summary>
/// When each channel (or Teams tenant) may be posted to next: Slack allows about one message per second per channel,
/// Teams about 30 requests per second per tenant. Only keys still inside their interval are kept: an entry whose time
/// has passed says nothing the default does not, and every DM and channel the bot ever posted to would otherwise stay
/// in memory for the life of the process.
/// </summary>
internal sealed class ChannelPacing
{
    private const int PruneFloor = 1024;
    private readonly Dictionary<(string Platform, string Channel), DateTimeOffset> _freeAt = [];
    private readonly Lock _gate = new();
    private int _pruneAt = PruneFloor;

    /// <summary>Reserves the key's next slot, not before <paramref name="notBefore"/>; returns how long from now to wait for it.</summary>
    public TimeSpan Reserve((string Platform, string Channel) key, DateTimeOffset now, TimeSpan interval, DateTimeOffset? notBefore = null)
    {
        lock (_gate)
        {
            var earliest = notBefore > now ? notBefore.Value : now;
            var freeAt = _freeAt.GetValueOrDefault(key, earliest);
            var start = freeAt > earliest ? freeAt : earliest;
            Set(key, start + interval, now);
            return start - now;
        }
    }

    /// <summary>Holds the channel until <paramref name="until"/> (Slack said to retry after then).</summary>
    public void Pause((string Platform, string Channel) key, DateTimeOffset until, DateTimeOffset now)
    {
        lock (_gate) Set(key, until, now);
    }

    public int Count
    {
        get
        {
            lock (_gate) return _freeAt.Count;
        }
    }

    private void Set((string, string) key, DateTimeOffset freeAt, DateTimeOffset now)
    {
        _freeAt[key] = freeAt;
        if (_freeAt.Count < _pruneAt) return;
        foreach (var (k, at) in _freeAt)
        {
            if (at <= now) _freeAt.Remove(k);
        }
        // Pruning again only after the map doubles keeps the cost per post constant when most channels are busy.
        _pruneAt = Math.Max(PruneFloor, _freeAt.Count * 2);
    }
}

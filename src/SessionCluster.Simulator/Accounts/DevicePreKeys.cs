namespace SessionCluster.Simulator.Accounts;

/// <summary>
/// One device's one-time prekeys held by the server (id → 32-byte public key), and the ids already handed out.
/// Thread-safe: every operation runs under one lock, so a take is atomic.
/// </summary>
/// <remarks>
/// The guarantee: each one-time prekey id of a device is handed out at most once, ever. <see cref="Take"/> removes
/// the key and remembers its id in the same step; an upload naming a consumed id is skipped for that id (the rest of
/// the upload is kept), and the consumed ids are persisted with the device (<see cref="AccountFile"/>), so neither a
/// re-upload nor a restart from <c>--data</c> can bring a handed-out key back. The low-count flag lives here too, so
/// "below the mark, tell the device once" is decided in the same step as the take that crossed it.
/// </remarks>
internal sealed class DevicePreKeys
{
    private readonly Lock _lock = new();
    private readonly SortedDictionary<uint, ReadOnlyMemory<byte>> _keys = [];
    private readonly SortedSet<uint> _consumed = [];
    private bool _lowNotified;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _keys.Count;
            }
        }
    }

    /// <summary>
    /// Adds or replaces keys by id (a re-upload of a held id replaces it, as a fresh upload would). Ids already handed
    /// out are skipped, never stored again. Nothing is added when the keys held would exceed <paramref name="limit"/>.
    /// </summary>
    /// <returns>How many keys were stored, or null when <paramref name="limit"/> would be exceeded.</returns>
    public int? Add(IEnumerable<(uint Id, ReadOnlyMemory<byte> PublicKey)> keys, int limit = int.MaxValue)
    {
        lock (_lock)
        {
            var fresh = keys.Where(k => !_consumed.Contains(k.Id)).ToList();
            if (_keys.Count + fresh.Count(k => !_keys.ContainsKey(k.Id)) > limit)
            {
                return null;
            }

            foreach (var (id, key) in fresh)
            {
                _keys[id] = key;
            }

            return fresh.Count;
        }
    }

    public IReadOnlyList<(uint Id, ReadOnlyMemory<byte> PublicKey)> Snapshot()
    {
        lock (_lock)
        {
            return [.. _keys.Select(k => (k.Key, k.Value))];
        }
    }

    /// <summary>The ids handed out so far, ascending (persisted so they stay consumed across restarts).</summary>
    public IReadOnlyList<uint> ConsumedIds()
    {
        lock (_lock)
        {
            return [.. _consumed];
        }
    }

    /// <summary>Marks ids as handed out (restoring a persisted device); a key held under such an id is dropped.</summary>
    public void MarkConsumed(IEnumerable<uint> ids)
    {
        lock (_lock)
        {
            foreach (var id in ids)
            {
                _consumed.Add(id);
                _keys.Remove(id);
            }
        }
    }

    /// <summary>Removes and returns the lowest-id key (null when none is left); its id is never stored again.</summary>
    public (uint Id, ReadOnlyMemory<byte> PublicKey)? Take()
    {
        lock (_lock)
        {
            return TakeLowest();
        }
    }

    /// <summary>
    /// <see cref="Take()"/>, and in the same atomic step: how many keys are left and whether this take is the one that
    /// should tell the device it runs low (the count is below <paramref name="lowWatermark"/> and the device was not
    /// told since the count was last at or above it).
    /// </summary>
    public TakenPreKey Take(int lowWatermark)
    {
        lock (_lock)
        {
            var key = TakeLowest();
            var notifyLow = false;
            if (_keys.Count >= lowWatermark)
            {
                _lowNotified = false;
            }
            else if (!_lowNotified)
            {
                _lowNotified = true;
                notifyLow = true;
            }

            return new TakenPreKey(key, _keys.Count, notifyLow);
        }
    }

    private (uint Id, ReadOnlyMemory<byte> PublicKey)? TakeLowest()
    {
        if (_keys.Count == 0)
        {
            return null;
        }

        var first = _keys.First();
        _keys.Remove(first.Key);
        _consumed.Add(first.Key);
        return (first.Key, first.Value);
    }
}

/// <summary>What one atomic take gave: the key (if any was left), the count after it, and whether to notify the device.</summary>
internal readonly record struct TakenPreKey((uint Id, ReadOnlyMemory<byte> PublicKey)? Key, int Remaining, bool NotifyLow);

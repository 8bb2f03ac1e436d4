namespace SessionCluster.Simulator.Accounts;

/// <summary>One device's one-time prekeys held by the server (id → 32-byte public key). Thread-safe.</summary>
internal sealed class DevicePreKeys
{
    private readonly Lock _lock = new();
    private readonly SortedDictionary<uint, ReadOnlyMemory<byte>> _keys = [];

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

    /// <summary>Adds or replaces keys by id (a re-upload of the same id replaces it, as a fresh upload would).</summary>
    public void Add(IEnumerable<(uint Id, ReadOnlyMemory<byte> PublicKey)> keys)
    {
        lock (_lock)
        {
            foreach (var (id, key) in keys)
            {
                _keys[id] = key;
            }
        }
    }

    public IReadOnlyList<(uint Id, ReadOnlyMemory<byte> PublicKey)> Snapshot()
    {
        lock (_lock)
        {
            return [.. _keys.Select(k => (k.Key, k.Value))];
        }
    }

    /// <summary>Removes and returns the lowest-id key, or null when none is left.</summary>
    public (uint Id, ReadOnlyMemory<byte> PublicKey)? Take()
    {
        lock (_lock)
        {
            if (_keys.Count == 0)
            {
                return null;
            }

            var first = _keys.First();
            _keys.Remove(first.Key);
            return (first.Key, first.Value);
        }
    }
}

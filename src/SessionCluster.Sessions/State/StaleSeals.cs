using System.Collections.Concurrent;

namespace SessionCluster.Sessions.State;

/// <summary>
/// What this node's sessions found sealed under a previous node key (rotation, <see cref="SecretBox.NeedsReseal"/>)
/// and have not yet sealed again under the current one: a session's data key, its proxy, or the registration of a
/// session from before per-session data keys (which is not moved, so it stays here while that session runs). One
/// instance per node, shared by its sessions; the operator reads <see cref="Pending"/> before removing a previous key.
/// Only sessions that started on this node since its start are known here: a session that has not started has not
/// been looked at.
/// </summary>
public sealed class StaleSeals
{
    private readonly ConcurrentDictionary<string, byte> _pending = new(StringComparer.Ordinal);
    private long _resealed;

    /// <summary>Things found under a previous key and not sealed again yet.</summary>
    public int Pending => _pending.Count;

    /// <summary>Things sealed again under the current key since the node started.</summary>
    public long Resealed => Interlocked.Read(ref _resealed);

    /// <param name="item">What it is, e.g. <c>session-keys-{id}</c>: one entry however often it is found.</param>
    public void Found(string item) => _pending.TryAdd(item, 0);

    public void Moved(string item)
    {
        _pending.TryRemove(item, out _);
        Interlocked.Increment(ref _resealed);
    }

    /// <summary>The item is gone (its session was wiped or stopped on this node): nothing is left to move here.</summary>
    public void Forget(string item) => _pending.TryRemove(item, out _);
}

using System.Collections.Concurrent;

namespace SessionCluster.Simulator.Linking;

/// <summary>The pending pairings by code, by ref. Entries of closed connections are ignored and pruned.</summary>
internal sealed class LinkCodeRegistry
{
    private readonly ConcurrentDictionary<string, PendingLinkCode> _byRef = new(StringComparer.Ordinal);

    /// <summary>Records a hello; an earlier hello of the same connection is replaced (its ref stops working).</summary>
    public void Add(PendingLinkCode pending)
    {
        foreach (var (key, other) in _byRef)
        {
            if (other.Connection == pending.Connection || other.Connection.IsClosed)
            {
                _byRef.TryRemove(key, out _);
            }
        }

        _byRef[pending.RefKey] = pending;
    }

    /// <summary>The newest pending hello for <paramref name="phone"/> on an open connection.</summary>
    public PendingLinkCode? FindByPhone(string phone) =>
        _byRef.Values.Where(p => p.Phone == phone && !p.Connection.IsClosed).OrderByDescending(p => p.CreatedAt).FirstOrDefault();

    public PendingLinkCode? FindByRef(ReadOnlySpan<byte> reference) =>
        _byRef.GetValueOrDefault(Convert.ToBase64String(reference)) is { Connection.IsClosed: false } pending ? pending : null;

    public void Remove(PendingLinkCode pending) => _byRef.TryRemove(new KeyValuePair<string, PendingLinkCode>(pending.RefKey, pending));
}

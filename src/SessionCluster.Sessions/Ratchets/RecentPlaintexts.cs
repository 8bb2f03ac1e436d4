using Google.Protobuf;
using SessionCluster.Sessions.State.Proto;

namespace SessionCluster.Sessions.Ratchets;

/// <summary>
/// The sealed plaintexts of the last <see cref="Capacity"/> messages a ratchet or sender-key actor decrypted, by key:
/// a copy the server redelivers after a crash between the actor's write and the session's is answered from here, since
/// its message key is used up. Recovered from the actor's events and snapshots; oldest out first.
/// </summary>
internal sealed class RecentPlaintexts
{
    /// <summary>A crash can only leave the last few unrecorded by the session; 32 is ample.</summary>
    public const int Capacity = 32;

    private readonly Dictionary<string, ByteString> _byKey = [];
    private readonly Queue<string> _order = new();

    public bool TryGet(string key, out ByteString sealedPlaintext) => _byKey.TryGetValue(key, out sealedPlaintext!);

    public void Remember(string key, ByteString sealedPlaintext)
    {
        if (_byKey.TryAdd(key, sealedPlaintext))
        {
            _order.Enqueue(key);
        }

        while (_order.Count > Capacity)
        {
            _byKey.Remove(_order.Dequeue());
        }
    }

    /// <summary>Forgets them all (they were sealed under a key that is gone).</summary>
    public void Clear()
    {
        _byKey.Clear();
        _order.Clear();
    }

    /// <summary>In the order they came, for a snapshot.</summary>
    public IEnumerable<RecentPlaintext> ToSnapshot() => _order.Select(key => new RecentPlaintext { MessageId = key, SealedPlaintext = _byKey[key] });

    public void Restore(IEnumerable<RecentPlaintext> recent)
    {
        foreach (var entry in recent)
        {
            Remember(entry.MessageId, entry.SealedPlaintext);
        }
    }
}

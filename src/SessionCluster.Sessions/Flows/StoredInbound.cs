using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace SessionCluster.Sessions.Flows;

/// <summary>
/// The inbound messages most recently stored (sender device + message id), to recognize a copy the server redelivers
/// because our receipt did not reach it before the connection or the process went: such a copy is only receipted
/// again (docs/SESSIONS.md "Crash safety"). Each key is kept as 128 bits of its SHA-256, so a busy session costs about
/// 40 bytes per remembered message however long the ids are, and two keys sharing those bits (a message dropped as a
/// redelivery) would take about 2^64 messages. Rebuilt on recovery from the MessageReceived events.
/// </summary>
internal sealed class StoredInbound(int capacity)
{
    private readonly HashSet<UInt128> _keys = [];
    private readonly Queue<UInt128> _order = new();

    public int Count => _keys.Count;

    public bool Contains(string key) => _keys.Contains(Digest(key));

    /// <summary>Remembers <paramref name="key"/>, forgetting the oldest beyond the capacity.</summary>
    public void Add(string key)
    {
        var digest = Digest(key);
        if (_keys.Add(digest))
        {
            _order.Enqueue(digest);
        }

        while (_order.Count > capacity)
        {
            _keys.Remove(_order.Dequeue());
        }
    }

    private static UInt128 Digest(string key)
    {
        Span<byte> utf8 = stackalloc byte[Encoding.UTF8.GetMaxByteCount(Math.Min(key.Length, 256))];
        var bytes = key.Length <= 256 ? utf8[..Encoding.UTF8.GetBytes(key, utf8)] : Encoding.UTF8.GetBytes(key);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(bytes, hash);
        return BinaryPrimitives.ReadUInt128LittleEndian(hash);
    }
}

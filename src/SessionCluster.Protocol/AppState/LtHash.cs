using System.Buffers.Binary;
using System.Text;
using SessionCluster.Protocol.Crypto;

namespace SessionCluster.Protocol.AppState;

/// <summary>
/// WhatsApp's "LTHash anti-tampering" summation hash of a collection (docs/PROTOCOL.md §14 "LTHash"): 128 bytes read as
/// 64 little-endian uint16 lanes. Adding a value MAC adds, lane by lane and wrapping, the 128 bytes
/// <c>HKDF-SHA256(valueMAC, no salt, "WhatsApp Patch Integrity")</c>; removing one subtracts them. The order of
/// additions does not matter, so the hash names the set of live records whatever path led to it.
/// </summary>
/// <remarks>Immutable: every operation returns a new value.</remarks>
public sealed class LtHash : IEquatable<LtHash>
{
    /// <summary>The hash is 128 bytes.</summary>
    public const int Size = 128;

    private static readonly byte[] Info = Encoding.ASCII.GetBytes("WhatsApp Patch Integrity");
    private readonly byte[] _bytes;

    private LtHash(byte[] bytes) => _bytes = bytes;

    /// <summary>The hash of an empty collection: 128 zero bytes.</summary>
    public static LtHash Empty { get; } = new(new byte[Size]);

    /// <summary>The 128 bytes.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>Wraps stored bytes.</summary>
    /// <exception cref="ArgumentException">Not 128 bytes.</exception>
    public static LtHash FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
        {
            throw new ArgumentException($"An LTHash is {Size} bytes, not {bytes.Length}.", nameof(bytes));
        }

        return new LtHash(bytes.ToArray());
    }

    /// <summary>Removes every MAC in <paramref name="removed"/>, then adds every MAC in <paramref name="added"/>.</summary>
    public LtHash SubtractThenAdd(IEnumerable<ReadOnlyMemory<byte>> removed, IEnumerable<ReadOnlyMemory<byte>> added)
    {
        ArgumentNullException.ThrowIfNull(removed);
        ArgumentNullException.ThrowIfNull(added);
        var result = (byte[])_bytes.Clone();
        Span<byte> expanded = stackalloc byte[Size];
        foreach (var mac in removed)
        {
            Expand(mac.Span, expanded);
            Mix(result, expanded, subtract: true);
        }

        foreach (var mac in added)
        {
            Expand(mac.Span, expanded);
            Mix(result, expanded, subtract: false);
        }

        return new LtHash(result);
    }

    /// <inheritdoc/>
    public bool Equals(LtHash? other) => other is not null && _bytes.AsSpan().SequenceEqual(other._bytes);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as LtHash);

    /// <inheritdoc/>
    public override int GetHashCode() => BinaryPrimitives.ReadInt32LittleEndian(_bytes);

    private static void Expand(ReadOnlySpan<byte> valueMac, Span<byte> expanded) =>
        Hkdf.DeriveSha256(valueMac, ReadOnlySpan<byte>.Empty, Info, expanded);

    private static void Mix(Span<byte> hash, ReadOnlySpan<byte> expanded, bool subtract)
    {
        for (var lane = 0; lane < Size; lane += 2)
        {
            var a = BinaryPrimitives.ReadUInt16LittleEndian(hash[lane..]);
            var b = BinaryPrimitives.ReadUInt16LittleEndian(expanded[lane..]);
            BinaryPrimitives.WriteUInt16LittleEndian(hash[lane..], unchecked((ushort)(subtract ? a - b : a + b)));
        }
    }
}

using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;

namespace SessionCluster.Protocol.Crypto;

/// <summary>
/// An HMAC-SHA256 key prepared once and used for any number of MACs: it holds the SHA-256 states after
/// the key's inner (<c>K ⊕ ipad</c>) and outer (<c>K ⊕ opad</c>) blocks, so each MAC hashes only the
/// message and the inner digest. A MAC of up to 55 bytes costs two SHA-256 compressions (~100 ns with
/// SHA-NI), 56–119 bytes three (~150 ns), preparing a key two more (~100 ns); .NET's <see cref="HMACSHA256.HashData(ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte})"/>
/// costs ~1 µs per call here.
/// </summary>
/// <remarks>
/// <para>
/// Typical use (a Signal chain step: one key, two MACs):
/// <code>
/// var chain = new HmacSha256Key(chainKey);
/// chain.Compute([0x01], messageKeySeed);
/// chain.Compute([0x02], nextChainKey);
/// </code>
/// and a MAC over a concatenation without building it:
/// <code>
/// new HmacSha256Key(macKey).Compute(senderIdentity, receiverIdentity, serialized, mac32);
/// </code>
/// </para>
/// <para>
/// An immutable value (256 bytes): safe to share between threads and to keep in fields. Copying it copies
/// key-derived state, so pass it by <c>in</c> or keep it where it is rather than copying it around; it
/// cannot be wiped for you. <c>default(HmacSha256Key)</c> is not a key: computing with it throws
/// <see cref="InvalidOperationException"/>. <see cref="ToString"/> never shows key material.
/// </para>
/// </remarks>
[SkipLocalsInit]
public readonly struct HmacSha256Key
{
    /// <summary>Length of an HMAC-SHA256 value in bytes.</summary>
    public const int MacSize = 32;

    /// <summary>SHA-256's block size; keys longer than this are hashed first (RFC 2104).</summary>
    public const int BlockSize = 64;

    /// <summary>Multi-part messages up to this long are copied together before hashing.</summary>
    private const int CoalesceLimit = 256;

    private const byte InnerPad = 0x36;
    private const byte OuterPad = 0x5c;

    private readonly Sha256Context _inner;
    private readonly Sha256Context _outer;

    /// <summary>Prepares <paramref name="key"/> (any length, including empty) for HMAC-SHA256.</summary>
    public HmacSha256Key(ReadOnlySpan<byte> key)
        : this(key, Sha256Native.DefaultBackend)
    {
    }

    /// <summary>Prepares a key on a specific SHA-256 implementation, so tests can cover both.</summary>
    internal HmacSha256Key(ReadOnlySpan<byte> key, Sha256Backend backend)
    {
        Span<byte> block = stackalloc byte[BlockSize];
        if (key.Length > BlockSize)
        {
            var keyHash = Sha256Context.Create(backend);
            keyHash.Append(key);
            keyHash.Finish(block);
            block[Sha256Context.DigestSize..].Clear();
        }
        else
        {
            key.CopyTo(block);
            block[key.Length..].Clear();
        }

        XorBlock(block, InnerPad);
        _inner = Sha256Context.Create(backend);
        _inner.Append(block);

        XorBlock(block, InnerPad ^ OuterPad);
        _outer = Sha256Context.Create(backend);
        _outer.Append(block);

        CryptographicOperations.ZeroMemory(block);
    }

    /// <summary>Writes HMAC-SHA256(key, <paramref name="data"/>) to the first 32 bytes of <paramref name="destination"/>.</summary>
    /// <param name="data">The message.</param>
    /// <param name="destination">At least <see cref="MacSize"/> bytes; may overlap <paramref name="data"/>.
    /// For a truncated MAC (Signal uses 8 bytes) compute into 32 bytes and compare a prefix with
    /// <see cref="CryptographicOperations.FixedTimeEquals"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 32 bytes.</exception>
    /// <exception cref="InvalidOperationException">This is <c>default(HmacSha256Key)</c>.</exception>
    public void Compute(ReadOnlySpan<byte> data, Span<byte> destination) =>
        ComputeCore(data, default, default, destination);

    /// <summary>Writes HMAC-SHA256(key, <paramref name="first"/> ‖ <paramref name="second"/>) to <paramref name="destination"/> without concatenating.</summary>
    /// <inheritdoc cref="Compute(ReadOnlySpan{byte}, Span{byte})" path="/exception"/>
    public void Compute(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, Span<byte> destination) =>
        ComputeCore(first, second, default, destination);

    /// <summary>Writes HMAC-SHA256(key, <paramref name="first"/> ‖ <paramref name="second"/> ‖ <paramref name="third"/>) to <paramref name="destination"/> without concatenating.</summary>
    /// <inheritdoc cref="Compute(ReadOnlySpan{byte}, Span{byte})" path="/exception"/>
    public void Compute(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, ReadOnlySpan<byte> third, Span<byte> destination) =>
        ComputeCore(first, second, third, destination);

    /// <summary>
    /// Two MACs under this key at once: HMAC(<paramref name="firstData"/>) to <paramref name="firstDestination"/>
    /// and HMAC(<paramref name="secondData"/>) to <paramref name="secondDestination"/>. Same results as two
    /// <see cref="Compute(ReadOnlySpan{byte}, Span{byte})"/> calls; with OpenSSL and messages of at most 55 bytes
    /// the two independent inner compressions run back to back, then the two outer ones, so the CPU can
    /// overlap them (a single compression is latency-bound). The inputs are read before any output is written.
    /// </summary>
    /// <inheritdoc cref="Compute(ReadOnlySpan{byte}, Span{byte})" path="/exception"/>
    public void ComputePair(ReadOnlySpan<byte> firstData, Span<byte> firstDestination, ReadOnlySpan<byte> secondData, Span<byte> secondDestination)
    {
        if (firstDestination.Length < MacSize || secondDestination.Length < MacSize)
        {
            ThrowDestinationTooSmall();
        }

        const int OneBlock = BlockSize - 9;
        if (_inner.Backend != Sha256Backend.Native || firstData.Length > OneBlock || secondData.Length > OneBlock)
        {
            Span<byte> copy = stackalloc byte[MacSize];
            ComputeCore(secondData, default, default, copy);
            ComputeCore(firstData, default, default, firstDestination);
            copy.CopyTo(secondDestination);
            copy.Clear();
            return;
        }

        Span<byte> blocks = stackalloc byte[2 * BlockSize];
        var a = blocks[..BlockSize];
        var b = blocks[BlockSize..];
        PadOneBlock(firstData, BlockSize + firstData.Length, a);
        PadOneBlock(secondData, BlockSize + secondData.Length, b);
        var contextA = _inner;
        var contextB = _inner;
        Sha256Native.Update(ref contextA, a);
        Sha256Native.Update(ref contextB, b);
        Sha256Native.WriteState(ref contextA, a);
        Sha256Native.WriteState(ref contextB, b);
        PadOneBlock(a[..Sha256Context.DigestSize], BlockSize + Sha256Context.DigestSize, a);
        PadOneBlock(b[..Sha256Context.DigestSize], BlockSize + Sha256Context.DigestSize, b);
        contextA = _outer;
        contextB = _outer;
        Sha256Native.Update(ref contextA, a);
        Sha256Native.Update(ref contextB, b);
        Sha256Native.WriteState(ref contextA, firstDestination);
        Sha256Native.WriteState(ref contextB, secondDestination);
        blocks.Clear();
        contextA = default;
        contextB = default;
    }

    /// <summary>
    /// The inner hash after the first whole blocks of a message, for a MAC whose start is known before the
    /// rest (Signal's MAC header precedes a ciphertext still being computed): the compressions can then run
    /// while the rest is produced. Finish with <see cref="FinishPartial"/>. The context holds key-derived
    /// state: clear it if it is not finished.
    /// </summary>
    /// <param name="blocks">A multiple of <see cref="BlockSize"/> bytes.</param>
    internal Sha256Context BeginPartial(ReadOnlySpan<byte> blocks)
    {
        if (blocks.Length % BlockSize != 0)
        {
            throw new ArgumentException($"A partial MAC starts with whole {BlockSize}-byte blocks.", nameof(blocks));
        }

        if (_inner.Backend == Sha256Backend.None)
        {
            ThrowUninitialized();
        }

        var context = _inner;
        context.Append(blocks);
        return context;
    }

    /// <summary>
    /// Completes a MAC begun with <see cref="BeginPartial"/> over <paramref name="hashedLength"/> bytes: HMAC of
    /// those bytes ‖ <paramref name="first"/> ‖ <paramref name="second"/>. The context is cleared.
    /// </summary>
    internal void FinishPartial(ref Sha256Context context, int hashedLength, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, Span<byte> destination)
    {
        if (destination.Length < MacSize)
        {
            ThrowDestinationTooSmall();
        }

        Span<byte> buffer = stackalloc byte[CoalesceLimit + BlockSize];
        var length = first.Length + second.Length;
        var innerHash = buffer[..Sha256Context.DigestSize];
        if (context.Backend == Sha256Backend.Native && length <= CoalesceLimit && hashedLength % BlockSize == 0)
        {
            first.CopyTo(buffer);
            second.CopyTo(buffer[first.Length..]);
            var padded = (length + 9 + BlockSize - 1) & ~(BlockSize - 1);
            buffer[length] = 0x80;
            buffer[(length + 1)..(padded - sizeof(ulong))].Clear();
            BinaryPrimitives.WriteUInt64BigEndian(buffer[(padded - sizeof(ulong))..], (ulong)(BlockSize + hashedLength + length) * 8);
            Sha256Native.Update(ref context, buffer[..padded]);
            Sha256Native.WriteState(ref context, innerHash);
            buffer[Sha256Context.DigestSize..padded].Clear();
            context = _outer;
            FinishOuterNative(ref context, buffer[..BlockSize], destination);
        }
        else
        {
            context.Append(first);
            context.Append(second);
            context.Finish(innerHash);
            context = _outer;
            context.Append(innerHash);
            context.Finish(destination);
        }

        buffer[..BlockSize].Clear();
        context = default;
    }

    /// <summary>The type's name only: a key is never shown.</summary>
    public override string ToString() => nameof(HmacSha256Key);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ComputeCore(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, ReadOnlySpan<byte> third, Span<byte> destination)
    {
        if (destination.Length < MacSize)
        {
            ThrowDestinationTooSmall();
        }

        var backend = _inner.Backend;
        var length = first.Length + second.Length + third.Length;
        if (backend == Sha256Backend.Native && length <= CoalesceLimit)
        {
            ComputePadded(first, second, third, length, destination);
            return;
        }

        if (backend == Sha256Backend.None)
        {
            ThrowUninitialized();
        }

        Span<byte> innerHash = stackalloc byte[Sha256Context.DigestSize];
        var context = _inner;
        if (length <= CoalesceLimit && (second.Length | third.Length) != 0)
        {
            // One native update instead of three: each call costs ~5 ns, copying a short message less.
            Span<byte> message = stackalloc byte[CoalesceLimit];
            first.CopyTo(message);
            second.CopyTo(message[first.Length..]);
            third.CopyTo(message[(first.Length + second.Length)..]);
            context.Append(message[..length]);
            message[..length].Clear();
        }
        else
        {
            context.Append(first);
            context.Append(second);
            context.Append(third);
        }

        context.Finish(innerHash);
        context = _outer;
        context.Append(innerHash);
        context.Finish(destination);
        innerHash.Clear();
        context = default;
    }

    /// <summary>
    /// A short message on OpenSSL: pads it here and feeds whole blocks, so each half of the HMAC is one
    /// native call straight into the compression function (no copy into the context's buffer, no
    /// <c>SHA256_Final</c> with its memset and cleanse), and the digest is read from the state.
    /// </summary>
    private void ComputePadded(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, ReadOnlySpan<byte> third, int length, Span<byte> destination)
    {
        // message ‖ 0x80 ‖ 0… ‖ 64-bit bit length of (key block ‖ message), whole blocks.
        Span<byte> buffer = stackalloc byte[CoalesceLimit + BlockSize];
        first.CopyTo(buffer);
        second.CopyTo(buffer[first.Length..]);
        third.CopyTo(buffer[(first.Length + second.Length)..]);
        var padded = (length + 9 + BlockSize - 1) & ~(BlockSize - 1);
        buffer[length] = 0x80;
        buffer[(length + 1)..(padded - sizeof(ulong))].Clear();
        BinaryPrimitives.WriteUInt64BigEndian(buffer[(padded - sizeof(ulong))..], (ulong)(BlockSize + length) * 8);
        var context = _inner;
        Sha256Native.Update(ref context, buffer[..padded]);

        Sha256Native.WriteState(ref context, buffer);
        context = _outer;
        FinishOuterNative(ref context, buffer[..BlockSize], destination);
        buffer[..padded].Clear();
        context = default;
    }

    /// <summary>Outer hash on OpenSSL: <paramref name="block"/> holds the inner digest in its first 32 bytes; padded here to one block.</summary>
    private static void FinishOuterNative(ref Sha256Context outer, Span<byte> block, Span<byte> destination)
    {
        // Inner digest ‖ 0x80 ‖ 0… ‖ bit length of 96 bytes.
        block[Sha256Context.DigestSize] = 0x80;
        block[(Sha256Context.DigestSize + 1)..(BlockSize - sizeof(ulong))].Clear();
        BinaryPrimitives.WriteUInt64BigEndian(block[(BlockSize - sizeof(ulong))..], (BlockSize + Sha256Context.DigestSize) * 8);
        Sha256Native.Update(ref outer, block);
        Sha256Native.WriteState(ref outer, destination);
    }

    /// <summary>Writes <paramref name="data"/> (≤ 55 bytes, may already sit at the block's start) padded to one block for <paramref name="hashedLength"/> bytes in all.</summary>
    private static void PadOneBlock(ReadOnlySpan<byte> data, int hashedLength, Span<byte> block)
    {
        data.CopyTo(block);
        block[data.Length] = 0x80;
        block[(data.Length + 1)..(BlockSize - sizeof(ulong))].Clear();
        BinaryPrimitives.WriteUInt64BigEndian(block[(BlockSize - sizeof(ulong))..], (ulong)hashedLength * 8);
    }

    private static void XorBlock(Span<byte> block, byte pad)
    {
        ref var start = ref MemoryMarshal.GetReference(block);
        var mask = Vector128.Create(pad);
        for (nuint offset = 0; offset < BlockSize; offset += 16)
        {
            (Vector128.LoadUnsafe(ref start, offset) ^ mask).StoreUnsafe(ref start, offset);
        }
    }

    private static void ThrowDestinationTooSmall() =>
        throw new ArgumentException($"The destination needs {MacSize} bytes for the MAC.", "destination");

    private static void ThrowUninitialized() =>
        throw new InvalidOperationException("default(HmacSha256Key) is not a key; construct it with new HmacSha256Key(key).");
}

using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace SessionCluster.Protocol.Signal;

/// <summary>
/// The message key seeds a receiver chain derived for messages that have not arrived yet, in
/// ascending counter order. Immutable: every change makes a new instance, and the common path (an
/// in-order message) never touches it. Seeds are kept rather than the 80-byte keys, as libsignal-node
/// keeps them (<c>chain.messageKeys</c>); HKDF runs when one is used.
/// </summary>
/// <remarks>
/// At most <see cref="MaxKeys"/> per chain; beyond that the oldest are dropped (GLS
/// <c>maxMessageKeys</c>, libsignal <c>MAX_MESSAGE_KEYS</c>; libsignal-node has no cap), and a message
/// whose key was dropped is then reported as a duplicate.
/// </remarks>
[SkipLocalsInit]
internal sealed class SkippedMessageKeys
{
    public const int MaxKeys = 2000;
    public const int SeedSize = ChainKdf.KeySize;

    public static readonly SkippedMessageKeys Empty = new([], []);

    private readonly uint[] counters;
    private readonly byte[] seeds;

    private SkippedMessageKeys(uint[] counters, byte[] seeds)
    {
        this.counters = counters;
        this.seeds = seeds;
    }

    public int Count => counters.Length;

    public ReadOnlySpan<uint> Counters => counters;

    /// <summary>All seeds, <see cref="SeedSize"/> bytes each, in counter order.</summary>
    public ReadOnlySpan<byte> Seeds => seeds;

    /// <summary>Rebuilds a stored set; false when the counters are not strictly ascending or the seeds do not match them.</summary>
    public static bool TryCreate(uint[] counters, byte[] seeds, out SkippedMessageKeys keys)
    {
        keys = Empty;
        if (counters.Length > MaxKeys || seeds.Length != counters.Length * SeedSize)
        {
            return false;
        }

        for (var i = 1; i < counters.Length; i++)
        {
            if (counters[i] <= counters[i - 1])
            {
                return false;
            }
        }

        if (counters.Length > 0)
        {
            keys = new SkippedMessageKeys(counters, seeds);
        }

        return true;
    }

    /// <summary>The position of <paramref name="counter"/>, or a negative number when its key is not held.</summary>
    public int IndexOf(uint counter) => counters.Length == 0 ? -1 : Array.BinarySearch(counters, counter);

    public ReadOnlySpan<byte> SeedAt(int index) => seeds.AsSpan(index * SeedSize, SeedSize);

    public SkippedMessageKeys RemoveAt(int index)
    {
        if (counters.Length == 1)
        {
            return Empty;
        }

        var newCounters = new uint[counters.Length - 1];
        var newSeeds = new byte[newCounters.Length * SeedSize];
        counters.AsSpan(0, index).CopyTo(newCounters);
        counters.AsSpan(index + 1).CopyTo(newCounters.AsSpan(index));
        seeds.AsSpan(0, index * SeedSize).CopyTo(newSeeds);
        seeds.AsSpan((index + 1) * SeedSize).CopyTo(newSeeds.AsSpan(index * SeedSize));
        return new SkippedMessageKeys(newCounters, newSeeds);
    }

    /// <summary>
    /// Walks a chain from <paramref name="chainKey"/> (at index <paramref name="from"/>) up to
    /// <paramref name="to"/> (exclusive), keeping each message key seed on the way, and returns the keys
    /// held afterwards; <paramref name="chainKeyAtTo"/> receives the chain key at <paramref name="to"/>.
    /// Every new counter is above every held one, so the result stays sorted; the oldest go first when
    /// the cap is passed.
    /// </summary>
    public SkippedMessageKeys AppendWalk(ReadOnlySpan<byte> chainKey, uint from, uint to, Span<byte> chainKeyAtTo)
    {
        var added = (int)(to - from);
        Span<byte> key = stackalloc byte[ChainKdf.KeySize];
        Span<byte> next = stackalloc byte[ChainKdf.KeySize];
        chainKey.CopyTo(key);
        if (added == 0)
        {
            key.CopyTo(chainKeyAtTo);
            return this;
        }

        var total = counters.Length + added;
        var kept = Math.Min(total, MaxKeys);
        var dropped = total - kept;
        var newCounters = new uint[kept];
        var newSeeds = new byte[kept * SeedSize];
        var keptOld = Math.Max(0, counters.Length - dropped);
        counters.AsSpan(counters.Length - keptOld).CopyTo(newCounters);
        seeds.AsSpan((counters.Length - keptOld) * SeedSize).CopyTo(newSeeds);
        var droppedNew = dropped - (counters.Length - keptOld);
        var slot = keptOld;
        for (var i = 0; i < added; i++)
        {
            if (i >= droppedNew)
            {
                newCounters[slot] = from + (uint)i;
                ChainKdf.Step(key, newSeeds.AsSpan(slot * SeedSize, SeedSize), next);
                slot++;
            }
            else
            {
                ChainKdf.NextChainKey(key, next);
            }

            next.CopyTo(key);
        }

        key.CopyTo(chainKeyAtTo);
        CryptographicOperations.ZeroMemory(key);
        CryptographicOperations.ZeroMemory(next);
        return new SkippedMessageKeys(newCounters, newSeeds);
    }
}

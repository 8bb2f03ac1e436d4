namespace SessionCluster.Protocol.Signal;

/// <summary>The message-key seed of an iteration the chain has moved past without a message arriving for it.</summary>
internal readonly struct SkippedSenderKey
{
    public readonly uint Iteration;
    public readonly SenderKeySecret Seed;

    public SkippedSenderKey(uint iteration, ReadOnlySpan<byte> seed)
    {
        Iteration = iteration;
        Seed = SenderKeySecret.From(seed);
    }

    /// <summary>A search key for <see cref="System.Collections.Immutable.ImmutableSortedSet{T}.TryGetValue"/>; its seed is zero.</summary>
    public static SkippedSenderKey Probe(uint iteration) => new(iteration);

    private SkippedSenderKey(uint iteration)
    {
        Iteration = iteration;
        Seed = default;
    }
}

/// <summary>Orders skipped keys by iteration; two keys with the same iteration are the same key.</summary>
internal sealed class SkippedSenderKeyOrder : IComparer<SkippedSenderKey>
{
    public static readonly SkippedSenderKeyOrder Instance = new();

    private SkippedSenderKeyOrder()
    {
    }

    public int Compare(SkippedSenderKey x, SkippedSenderKey y) => x.Iteration.CompareTo(y.Iteration);
}

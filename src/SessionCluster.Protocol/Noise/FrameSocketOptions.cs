namespace SessionCluster.Protocol.Noise;

/// <summary>Limits and role of a <see cref="FrameSocket"/>.</summary>
public sealed record FrameSocketOptions
{
    /// <summary>
    /// The largest frame accepted, checked on the 3-byte length before the frame is buffered.
    /// Default: 16 MiB − 1, the most the length field can say (whatsmeow's read limit).
    /// </summary>
    public int MaxFrameSize { get; init; } = FrameCodec.MaxFrameSize;

    /// <summary>
    /// Edge-routing info a client puts in front of the connection header. Default: none (whatsmeow
    /// never sends it; Baileys does once the server has given it some).
    /// </summary>
    public ReadOnlyMemory<byte> RoutingInfo { get; init; }
}

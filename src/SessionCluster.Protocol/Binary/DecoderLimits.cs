namespace SessionCluster.Protocol.Binary;

/// <summary>
/// Bounds on what <see cref="NodeDecoder"/> accepts, so that a hostile or corrupt frame costs at most a little
/// time and memory. Anything over a limit is a <see cref="BinaryFormatException"/>.
/// </summary>
public sealed record DecoderLimits
{
    private const int Mebibyte = 1024 * 1024;

    /// <summary>Hard ceiling for <see cref="MaxDepth"/>: deeper recursion would risk the thread's stack.</summary>
    public const int DepthCeiling = 256;

    /// <summary>The defaults described on each property.</summary>
    public static DecoderLimits Default { get; } = new();

    /// <summary>
    /// Largest input accepted (a frame including its flag byte, or a body), default 16 MiB: the transport's
    /// 3-byte length cannot express a larger frame, and whatsmeow sets the same WebSocket read limit.
    /// </summary>
    public int MaxInputBytes
    {
        get;
        init => field = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), "Must be positive.");
    } = 16 * Mebibyte;

    /// <summary>
    /// Largest body a compressed frame may inflate to, default 16 MiB: the same as an uncompressed frame, so
    /// compression never lets a peer make us hold more than it could have sent plainly. Checked while
    /// inflating, before any buffer grows past it, so a zlib bomb stops at this size.
    /// </summary>
    public int MaxInflatedBytes
    {
        get;
        init => field = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), "Must be positive.");
    } = 16 * Mebibyte;

    /// <summary>
    /// Deepest nesting of nodes (JIDs nested inside JIDs count too), default 64: real stanzas nest fewer than
    /// ten levels; 64 leaves room for anything plausible while keeping recursion far from the stack's end.
    /// At most <see cref="DepthCeiling"/>.
    /// </summary>
    public int MaxDepth
    {
        get;
        init => field = value is > 0 and <= DepthCeiling
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), $"Must be in 1..{DepthCeiling}.");
    } = 64;

    /// <summary>
    /// Largest list size (children of one node, or 2 × attributes + 2), default 65535, the format's own maximum
    /// (LIST_16). A stricter default would buy nothing: a list is only allocated after checking that the
    /// remaining input can hold that many entries, so memory stays proportional to the input, and large
    /// groups legitimately produce thousands of &lt;participants&gt; children.
    /// </summary>
    public int MaxListSize
    {
        get;
        init => field = value is > 0 and <= ushort.MaxValue
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), "Must be in 1..65535.");
    } = ushort.MaxValue;
}

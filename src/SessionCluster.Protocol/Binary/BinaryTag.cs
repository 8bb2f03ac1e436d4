namespace SessionCluster.Protocol.Binary;

/// <summary>
/// The reserved byte values of the binary-XML format (docs/PROTOCOL.md §4). Every other value below
/// <see cref="Dictionary0"/> is a single-byte token.
/// </summary>
internal static class BinaryTag
{
    public const byte ListEmpty = 0;
    public const byte StreamEnd = 2;
    public const byte Dictionary0 = 236;
    public const byte Dictionary3 = 239;
    public const byte InteropJid = 245;
    public const byte FbJid = 246;
    public const byte AdJid = 247;
    public const byte List8 = 248;
    public const byte List16 = 249;
    public const byte JidPair = 250;
    public const byte Hex8 = 251;
    public const byte Binary8 = 252;
    public const byte Binary20 = 253;
    public const byte Binary32 = 254;
    public const byte Nibble8 = 255;

    /// <summary>Longest string (in characters) that may be written in packed nibble or hex form.</summary>
    public const int PackedMax = 127;

    /// <summary>The flag bit of a frame's first byte that marks a zlib-compressed body.</summary>
    public const byte CompressedFlag = 0x02;

    /// <summary>AD_JID domain bytes that select a server instead of naming an agent.</summary>
    public const byte DomainWhatsApp = 0;
    public const byte DomainLid = 1;
    public const byte DomainHosted = 128;
    public const byte DomainHostedLid = 129;
}

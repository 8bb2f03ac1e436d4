namespace SessionCluster.Protocol.Noise;

/// <summary>The constants of WhatsApp's Noise_XX_25519_AESGCM_SHA256 handshake (docs/PROTOCOL.md §1–§2).</summary>
public static class NoiseProtocol
{
    /// <summary>The protocol name, padded with NULs to exactly 32 bytes so it is used as h directly, unhashed.</summary>
    public static ReadOnlySpan<byte> Name => "Noise_XX_25519_AESGCM_SHA256\0\0\0\0"u8;

    /// <summary>'W' 'A', magic 6, dictionary version 3: sent once before the client's first frame and hashed as the prologue.</summary>
    public static ReadOnlySpan<byte> ConnectionHeader => [0x57, 0x41, 0x06, 0x03];

    /// <summary>WhatsApp's production certificate root (an X25519 public key whose XEdDSA signatures sign intermediates).</summary>
    public static ReadOnlySpan<byte> WhatsAppRootPublicKey =>
    [
        0x14, 0x23, 0x75, 0x57, 0x4d, 0x0a, 0x58, 0x71, 0x66, 0xaa, 0xe7, 0x1e, 0xbe, 0x51, 0x64, 0x37,
        0xc4, 0xa2, 0x8b, 0x73, 0xe3, 0x69, 0x5c, 0x6c, 0xe1, 0xf7, 0xf9, 0x54, 0x5d, 0xa8, 0xee, 0x6b,
    ];

    /// <summary>The AES-GCM authentication tag appended to every ciphertext.</summary>
    public const int TagSize = 16;
}

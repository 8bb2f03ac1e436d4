namespace SessionCluster.Protocol.Pairing;

/// <summary>
/// The two-byte domain separators ADV signatures and HMACs start with (Baileys Defaults WA_ADV_*_SIG_PREFIX,
/// WhatsApp Web WAWebAdvSignatureConstants). The simulator only issues E2EE identities.
/// </summary>
internal static class AdvPrefixes
{
    /// <summary>Account signature over a device identity: [6,0] || details || companion identity key.</summary>
    public static ReadOnlySpan<byte> AccountSignature => [6, 0];

    /// <summary>Device signature: [6,1] || details || companion identity key || account signature key.</summary>
    public static ReadOnlySpan<byte> DeviceSignature => [6, 1];

    /// <summary>Account signature over a key-index list: [6,2] || ADVKeyIndexList bytes.</summary>
    public static ReadOnlySpan<byte> KeyIndexList => [6, 2];

    public static byte[] Concat(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b = default, ReadOnlySpan<byte> c = default)
    {
        var result = new byte[prefix.Length + a.Length + b.Length + c.Length];
        var span = result.AsSpan();
        prefix.CopyTo(span);
        a.CopyTo(span[prefix.Length..]);
        b.CopyTo(span[(prefix.Length + a.Length)..]);
        c.CopyTo(span[(prefix.Length + a.Length + b.Length)..]);
        return result;
    }
}

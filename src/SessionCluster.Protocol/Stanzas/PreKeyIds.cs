namespace SessionCluster.Protocol.Stanzas;

/// <summary>
/// Prekey and signed prekey ids on the wire: 3 bytes, big-endian (<c>&lt;id&gt;</c> in a bundle, an upload and a
/// digest; <c>eSkeyId</c> in a registration payload; docs/PROTOCOL.md §7). The one place that writes and reads them.
/// </summary>
public static class PreKeyIds
{
    /// <summary>The size of an id on the wire.</summary>
    public const int Size = 3;

    /// <summary>The low 24 bits of <paramref name="id"/>, big-endian.</summary>
    public static byte[] Encode(uint id) => [(byte)(id >> 16), (byte)(id >> 8), (byte)id];

    /// <summary>Reads an id from its <see cref="Size"/> bytes (the caller has checked the length).</summary>
    public static uint Decode(ReadOnlySpan<byte> bytes) => (uint)(bytes[0] << 16 | bytes[1] << 8 | bytes[2]);
}

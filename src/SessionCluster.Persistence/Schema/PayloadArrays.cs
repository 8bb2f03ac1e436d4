using System.Runtime.InteropServices;

namespace SessionCluster.Persistence.Schema;

/// <summary>Payloads as the database drivers take them.</summary>
internal static class PayloadArrays
{
    /// <summary>The payload as an array, without a copy when it already is a whole one.</summary>
    public static byte[] AsArray(ReadOnlyMemory<byte> payload) =>
        MemoryMarshal.TryGetArray(payload, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : payload.ToArray();
}

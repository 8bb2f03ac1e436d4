namespace SessionCluster.Protocol.Tests.Binary;

/// <summary>Hex helpers so test vectors can be written the way docs/PROTOCOL.md prints them.</summary>
internal static class Hex
{
    public static byte[] Bytes(string hex) => Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal));

    public static string Of(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);
}

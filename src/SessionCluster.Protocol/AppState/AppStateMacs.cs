using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace SessionCluster.Protocol.AppState;

/// <summary>
/// The four MACs of app-state sync (docs/PROTOCOL.md §14 "MACs"). All are plain functions of their inputs.
/// </summary>
public static class AppStateMacs
{
    /// <summary>Value, index, snapshot and patch MACs are all 32 bytes.</summary>
    public const int MacSize = 32;

    /// <summary>
    /// <c>HMAC-SHA512(valueMacKey, [op+1] ‖ keyId ‖ iv‖ciphertext ‖ uint64BE(len(keyId)+1))[0:32]</c>, where op is
    /// SET = 0, REMOVE = 1.
    /// </summary>
    public static byte[] ValueMac(MutationKeys keys, AppStateOperation operation, ReadOnlySpan<byte> keyId, ReadOnlySpan<byte> ivAndCiphertext)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var input = new byte[1 + keyId.Length + ivAndCiphertext.Length + 8];
        input[0] = operation == AppStateOperation.Set ? (byte)1 : (byte)2;
        keyId.CopyTo(input.AsSpan(1));
        ivAndCiphertext.CopyTo(input.AsSpan(1 + keyId.Length));
        BinaryPrimitives.WriteUInt64BigEndian(input.AsSpan(1 + keyId.Length + ivAndCiphertext.Length), (ulong)(keyId.Length + 1));
        return HMACSHA512.HashData(keys.ValueMac.Span, input).AsSpan(0, MacSize).ToArray();
    }

    /// <summary><c>HMAC-SHA256(indexKey, index JSON bytes)</c>: the record's identity in its collection.</summary>
    public static byte[] IndexMac(MutationKeys keys, ReadOnlySpan<byte> indexJson)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return HMACSHA256.HashData(keys.Index.Span, indexJson);
    }

    /// <summary><c>HMAC-SHA256(snapshotMacKey, ltHash ‖ uint64BE(version) ‖ collection name)</c>.</summary>
    public static byte[] SnapshotMac(MutationKeys keys, LtHash hash, ulong version, string collection)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(hash);
        var name = Encoding.UTF8.GetBytes(collection);
        var input = new byte[LtHash.Size + 8 + name.Length];
        hash.Bytes.CopyTo(input);
        BinaryPrimitives.WriteUInt64BigEndian(input.AsSpan(LtHash.Size), version);
        name.CopyTo(input.AsSpan(LtHash.Size + 8));
        return HMACSHA256.HashData(keys.SnapshotMac.Span, input);
    }

    /// <summary><c>HMAC-SHA256(patchMacKey, snapshotMac ‖ valueMac₁ ‖ … ‖ uint64BE(version) ‖ collection name)</c>.</summary>
    public static byte[] PatchMac(MutationKeys keys, ReadOnlySpan<byte> snapshotMac, IReadOnlyList<ReadOnlyMemory<byte>> valueMacs, ulong version, string collection)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(valueMacs);
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, keys.PatchMac.Span);
        hmac.AppendData(snapshotMac);
        foreach (var mac in valueMacs)
        {
            hmac.AppendData(mac.Span);
        }

        Span<byte> versionBytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(versionBytes, version);
        hmac.AppendData(versionBytes);
        hmac.AppendData(Encoding.UTF8.GetBytes(collection));
        return hmac.GetHashAndReset();
    }
}

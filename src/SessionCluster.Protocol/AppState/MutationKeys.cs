using System.Text;
using SessionCluster.Protocol.Crypto;

namespace SessionCluster.Protocol.AppState;

/// <summary>
/// The five keys expanded from one app-state sync key (docs/PROTOCOL.md §14 "Keys"):
/// <c>HKDF-SHA256(ikm = keyData, no salt, info = "WhatsApp Mutation Keys", 160)</c> split into five 32-byte keys.
/// </summary>
/// <remarks>Secret material: never log it. The five values are views of one 160-byte array.</remarks>
public sealed class MutationKeys
{
    private const int KeySize = 32;
    private static readonly byte[] Info = Encoding.ASCII.GetBytes("WhatsApp Mutation Keys");

    private MutationKeys(byte[] expanded)
    {
        Index = expanded.AsMemory(0, KeySize);
        ValueEncryption = expanded.AsMemory(32, KeySize);
        ValueMac = expanded.AsMemory(64, KeySize);
        SnapshotMac = expanded.AsMemory(96, KeySize);
        PatchMac = expanded.AsMemory(128, KeySize);
    }

    /// <summary>HMAC-SHA256 key of a record's index JSON (the index MAC).</summary>
    public ReadOnlyMemory<byte> Index { get; }

    /// <summary>AES-256-CBC key of a record's SyncActionData.</summary>
    public ReadOnlyMemory<byte> ValueEncryption { get; }

    /// <summary>HMAC-SHA512 key of a record's value MAC.</summary>
    public ReadOnlyMemory<byte> ValueMac { get; }

    /// <summary>HMAC-SHA256 key of the snapshot MAC.</summary>
    public ReadOnlyMemory<byte> SnapshotMac { get; }

    /// <summary>HMAC-SHA256 key of the patch MAC.</summary>
    public ReadOnlyMemory<byte> PatchMac { get; }

    /// <summary>Expands the keyData of an <c>AppStateSyncKey</c>.</summary>
    /// <exception cref="ArgumentException"><paramref name="keyData"/> is empty.</exception>
    public static MutationKeys Expand(ReadOnlySpan<byte> keyData)
    {
        if (keyData.IsEmpty)
        {
            throw new ArgumentException("An app-state sync key's keyData is not empty.", nameof(keyData));
        }

        var expanded = new byte[5 * KeySize];
        Hkdf.DeriveSha256(keyData, ReadOnlySpan<byte>.Empty, Info, expanded);
        return new MutationKeys(expanded);
    }
}

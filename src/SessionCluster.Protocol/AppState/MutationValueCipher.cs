using System.Security.Cryptography;
using Google.Protobuf;
using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Wa.AppState;

namespace SessionCluster.Protocol.AppState;

/// <summary>
/// A record's value blob (docs/PROTOCOL.md §14 "Records"): <c>iv16 ‖ AES-256-CBC(valueEncryptionKey, SyncActionData) ‖
/// valueMAC32</c>. The MAC is checked before anything is decrypted.
/// </summary>
public static class MutationValueCipher
{
    private const int MinimumBlobLength = AesCbc.IvSize + AesCbc.BlockSize + AppStateMacs.MacSize;

    /// <summary>Encrypts <paramref name="data"/> with a fresh random IV; returns the blob and its value MAC.</summary>
    public static (byte[] Blob, byte[] ValueMac) Encrypt(MutationKeys keys, AppStateOperation operation, ReadOnlySpan<byte> keyId, SyncActionData data)
    {
        Span<byte> iv = stackalloc byte[AesCbc.IvSize];
        RandomNumberGenerator.Fill(iv);
        return Encrypt(keys, operation, keyId, data, iv);
    }

    /// <summary>Encrypts with the given IV (tests compare against other implementations with it).</summary>
    public static (byte[] Blob, byte[] ValueMac) Encrypt(MutationKeys keys, AppStateOperation operation, ReadOnlySpan<byte> keyId, SyncActionData data, ReadOnlySpan<byte> iv)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(data);
        var plaintext = data.ToByteArray();
        var body = new byte[AesCbc.IvSize + AesCbc.GetCiphertextLength(plaintext.Length)];
        iv.CopyTo(body);
        AesCbc.Encrypt(keys.ValueEncryption.Span, iv, plaintext, body.AsSpan(AesCbc.IvSize));
        var mac = AppStateMacs.ValueMac(keys, operation, keyId, body);
        var blob = new byte[body.Length + mac.Length];
        body.CopyTo(blob, 0);
        mac.CopyTo(blob, body.Length);
        return (blob, mac);
    }

    /// <summary>The value MAC a blob carries: its last 32 bytes (the patch MAC covers these as sent).</summary>
    /// <exception cref="AppStateException"><see cref="AppStateFailure.Malformed"/>: too short to be a value blob.</exception>
    public static ReadOnlyMemory<byte> CarriedMac(ReadOnlyMemory<byte> blob) =>
        blob.Length < MinimumBlobLength
            ? throw new AppStateException(AppStateFailure.Malformed, $"A record value of {blob.Length} bytes is shorter than the {MinimumBlobLength} a value blob needs.")
            : blob[^AppStateMacs.MacSize..];

    /// <summary>Verifies the value MAC, then decrypts.</summary>
    /// <exception cref="AppStateException"><see cref="AppStateFailure.ValueMacMismatch"/> or <see cref="AppStateFailure.Malformed"/>.</exception>
    public static SyncActionData Decrypt(MutationKeys keys, AppStateOperation operation, ReadOnlySpan<byte> keyId, ReadOnlyMemory<byte> blob)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var carried = CarriedMac(blob);
        var body = blob[..^AppStateMacs.MacSize].Span;
        var expected = AppStateMacs.ValueMac(keys, operation, keyId, body);
        if (!CryptographicOperations.FixedTimeEquals(expected, carried.Span))
        {
            throw new AppStateException(AppStateFailure.ValueMacMismatch, "A record's value MAC does not verify.");
        }

        var ciphertext = body[AesCbc.IvSize..];
        var plaintext = new byte[ciphertext.Length];
        if (!AesCbc.TryDecrypt(keys.ValueEncryption.Span, body[..AesCbc.IvSize], ciphertext, plaintext, out var written))
        {
            throw new AppStateException(AppStateFailure.Malformed, "A record's value has a verified MAC but bad AES-CBC padding.");
        }

        try
        {
            return SyncActionData.Parser.ParseFrom(plaintext.AsSpan(0, written));
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new AppStateException(AppStateFailure.Malformed, "A record's value is not a SyncActionData.", e);
        }
    }
}

using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Wa.MmsRetry;

namespace SessionCluster.Protocol.Media;

/// <summary>
/// The encryption of a media retry (docs/PROTOCOL.md §12 "Media retry"): both directions are AES-256-GCM under
/// <c>HKDF-SHA256(mediaKey, no salt, "WhatsApp Media Retry Notification", 32)</c> with a random 12-byte IV, the 16-byte
/// tag appended to the ciphertext, and the message id as additional data. Only holders of the file's media key (the
/// sender and the receivers) can make or read either half, which is why the server can forward both blindly.
/// </summary>
public static class MediaRetryCipher
{
    /// <summary>The HKDF info of the retry key.</summary>
    public const string HkdfInfo = "WhatsApp Media Retry Notification";

    /// <summary>AES-GCM's nonce as WhatsApp uses it.</summary>
    public const int IvSize = 12;

    /// <summary>The GCM tag, appended to the ciphertext.</summary>
    public const int TagSize = 16;

    /// <summary>Seals the receiver's request <c>ServerErrorReceipt {stanzaId = messageId}</c> under a fresh IV.</summary>
    /// <exception cref="ArgumentException"><paramref name="mediaKey"/> is not 32 bytes or <paramref name="messageId"/> is empty.</exception>
    public static MediaRetrySealed EncryptRequest(ReadOnlySpan<byte> mediaKey, string messageId) =>
        Seal(mediaKey, messageId, new ServerErrorReceipt { StanzaID = messageId }.ToByteArray(), RandomNumberGenerator.GetBytes(IvSize));

    /// <summary>Opens a receiver's request and checks that it asks for <paramref name="messageId"/>.</summary>
    /// <exception cref="MediaRetryException">Malformed, Tampered, Unreadable or WrongMessage.</exception>
    public static void DecryptRequest(ReadOnlySpan<byte> mediaKey, string messageId, MediaRetrySealed sealedRequest)
    {
        var plain = Open(mediaKey, messageId, sealedRequest);
        ServerErrorReceipt receipt;
        try
        {
            receipt = ServerErrorReceipt.Parser.ParseFrom(plain);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new MediaRetryException(MediaRetryFailure.Unreadable, "the request is not a ServerErrorReceipt", e);
        }

        // Baileys and WA Web seal the id they ask for; an empty one is accepted as the additional data already binds it.
        if (receipt.HasStanzaID && receipt.StanzaID != messageId)
        {
            throw new MediaRetryException(MediaRetryFailure.WrongMessage, "the request seals another message's id");
        }
    }

    /// <summary>Seals the sender's answer under a fresh IV.</summary>
    /// <exception cref="ArgumentException"><paramref name="mediaKey"/> is not 32 bytes or <paramref name="messageId"/> is empty.</exception>
    public static MediaRetrySealed EncryptNotification(ReadOnlySpan<byte> mediaKey, string messageId, MediaRetryNotification notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        return Seal(mediaKey, messageId, notification.ToByteArray(), RandomNumberGenerator.GetBytes(IvSize));
    }

    /// <summary>Opens the sender's answer to a request for <paramref name="messageId"/>.</summary>
    /// <exception cref="MediaRetryException">Malformed, Tampered, Unreadable or WrongMessage.</exception>
    public static MediaRetryNotification DecryptNotification(ReadOnlySpan<byte> mediaKey, string messageId, MediaRetrySealed sealedNotification)
    {
        var plain = Open(mediaKey, messageId, sealedNotification);
        MediaRetryNotification notification;
        try
        {
            notification = MediaRetryNotification.Parser.ParseFrom(plain);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new MediaRetryException(MediaRetryFailure.Unreadable, "the answer is not a MediaRetryNotification", e);
        }

        if (notification.HasStanzaID && notification.StanzaID != messageId)
        {
            throw new MediaRetryException(MediaRetryFailure.WrongMessage, "the answer seals another message's id");
        }

        return notification;
    }

    /// <summary>Seals with a given IV; tests pin vectors with it.</summary>
    internal static MediaRetrySealed Seal(ReadOnlySpan<byte> mediaKey, string messageId, ReadOnlySpan<byte> plain, byte[] iv)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        var key = Key(mediaKey);
        var sealedBytes = new byte[plain.Length + TagSize];
        using var gcm = new AesGcm(key, TagSize);
        gcm.Encrypt(iv, plain, sealedBytes.AsSpan(0, plain.Length), sealedBytes.AsSpan(plain.Length), Encoding.UTF8.GetBytes(messageId));
        CryptographicOperations.ZeroMemory(key);
        return new MediaRetrySealed(sealedBytes, iv);
    }

    private static byte[] Open(ReadOnlySpan<byte> mediaKey, string messageId, MediaRetrySealed sealedBytes)
    {
        ArgumentNullException.ThrowIfNull(sealedBytes);
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        if (sealedBytes.Iv.Length != IvSize)
        {
            throw new MediaRetryException(MediaRetryFailure.Malformed, $"the IV is {sealedBytes.Iv.Length} bytes, not {IvSize}");
        }

        if (sealedBytes.Ciphertext.Length < TagSize)
        {
            throw new MediaRetryException(MediaRetryFailure.Malformed, $"the ciphertext is {sealedBytes.Ciphertext.Length} bytes, shorter than its {TagSize}-byte tag");
        }

        var key = Key(mediaKey);
        var body = sealedBytes.Ciphertext.Span;
        var plain = new byte[body.Length - TagSize];
        try
        {
            using var gcm = new AesGcm(key, TagSize);
            gcm.Decrypt(sealedBytes.Iv.Span, body[..^TagSize], body[^TagSize..], plain, Encoding.UTF8.GetBytes(messageId));
            return plain;
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new MediaRetryException(MediaRetryFailure.Tampered, "the tag does not verify: tampered, or sealed with another file's key or for another message", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private static byte[] Key(ReadOnlySpan<byte> mediaKey)
    {
        if (mediaKey.Length != MediaKeys.MediaKeySize)
        {
            throw new ArgumentException($"A mediaKey is {MediaKeys.MediaKeySize} bytes, not {mediaKey.Length}.", nameof(mediaKey));
        }

        var key = new byte[32];
        Hkdf.DeriveSha256(mediaKey, ReadOnlySpan<byte>.Empty, Encoding.ASCII.GetBytes(HkdfInfo), key);
        return key;
    }
}

/// <summary>One sealed half of a media retry: <c>&lt;enc_p&gt;</c> (ciphertext with its tag) and <c>&lt;enc_iv&gt;</c>.</summary>
public sealed record MediaRetrySealed(ReadOnlyMemory<byte> Ciphertext, ReadOnlyMemory<byte> Iv);

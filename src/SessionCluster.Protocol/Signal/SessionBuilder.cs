using System.Security.Cryptography;
using SessionCluster.Protocol.Crypto;

namespace SessionCluster.Protocol.Signal;

/// <summary>
/// Starts 1:1 sessions with X3DH as libsignal-node does (<c>session_builder.js</c>): from a peer's
/// prekey bundle (we are Alice, the initiator) or from a peer's PreKeyWhisperMessage (we are Bob;
/// <see cref="SessionCipher.Decrypt"/> calls <see cref="InitializeAsResponder"/>).
/// </summary>
/// <remarks>
/// <para>secret = 0xFF×32 || DH(IKa, SPKb) || DH(EKa, IKb) || DH(EKa, SPKb) [|| DH(EKa, OPKb)];
/// root = HKDF(salt = 32 zero bytes, secret, "WhisperText")[0..32].</para>
/// <para>Alice then ratchets at once: a fresh ratchet key, and DH(ratchet, SPKb) through the root step
/// gives her first sending chain (<c>calculateSendingRatchet</c>). Bob keeps his signed prekey as his
/// ratchet key and Alice's base key as the "last remote ratchet key" until her first message's ratchet
/// key arrives; that message's decrypt performs his first ratchet step.</para>
/// </remarks>
public static class SessionBuilder
{
    private const int KeySize = Curve25519.KeySize;

    /// <summary>
    /// Starts a session from a peer's prekey bundle. The new session becomes current (any open one is
    /// archived) and sends PreKeyWhisperMessages until the peer's first reply is decrypted.
    /// </summary>
    /// <exception cref="InvalidPreKeyBundleException">A malformed key, or a signed prekey whose signature does not verify.</exception>
    /// <remarks>
    /// libsignal-node skips this signature check (its <c>curve.verifySignature(…, isInit = true)</c>
    /// returns true without verifying); libsignal and GLS verify, and so do we.
    /// </remarks>
    public static SessionRecord ProcessBundle(SessionRecord record, LocalIdentity ours, PreKeyBundle bundle) =>
        ProcessBundle(record, ours, bundle, Curve25519.GenerateKeyPair(), Curve25519.GenerateKeyPair());

    /// <summary>
    /// <see cref="ProcessBundle(SessionRecord, LocalIdentity, PreKeyBundle)"/> with the two key pairs it
    /// would generate, in libsignal-node's order (base key, then first ratchet key), so tests can
    /// reproduce libsignal-node's bytes exactly.
    /// </summary>
    internal static SessionRecord ProcessBundle(SessionRecord record, LocalIdentity ours, PreKeyBundle bundle, KeyPair baseKey, KeyPair ratchetKey)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(ours);
        ArgumentNullException.ThrowIfNull(bundle);
        var identityKey = bundle.IdentityKey.Span;
        var signedPreKey = bundle.SignedPreKey.Span;
        if (identityKey.Length != KeySize || signedPreKey.Length != KeySize || bundle.SignedPreKeySignature.Length != XEdDsa.SignatureSize)
        {
            throw new InvalidPreKeyBundleException(InvalidPreKeyBundleReason.MalformedKey, "The identity and signed prekey must be 32 bytes and the signature 64.");
        }

        // The id decides whether there is a one-time prekey; an empty key without an id counts as none
        // (a null byte[] converts to an empty ReadOnlyMemory, not to null).
        var hasOneTimePreKey = bundle.PreKeyId.HasValue;
        if (hasOneTimePreKey ? bundle.PreKey is not { Length: KeySize } : bundle.PreKey is { IsEmpty: false })
        {
            throw new InvalidPreKeyBundleException(InvalidPreKeyBundleReason.MalformedKey, "A one-time prekey needs both its id and its 32-byte key.");
        }

        if (!SignedPreKeyRecord.VerifySignature(identityKey, signedPreKey, bundle.SignedPreKeySignature.Span))
        {
            throw new InvalidPreKeyBundleException(InvalidPreKeyBundleReason.BadSignedPreKeySignature, $"The signature of signed prekey {bundle.SignedPreKeyId} does not verify under the bundle's identity key.");
        }

        var rootKey = new byte[KeySize];
        var sendingChainKey = new byte[KeySize];
        Span<byte> secret = stackalloc byte[5 * KeySize];
        Span<byte> initialRoot = stackalloc byte[KeySize];
        Span<byte> agreement = stackalloc byte[KeySize];
        try
        {
            var oneTimePreKey = hasOneTimePreKey ? bundle.PreKey!.Value.Span : default;
            secret = secret[..(oneTimePreKey.IsEmpty ? 4 * KeySize : 5 * KeySize)];
            secret[..KeySize].Fill(0xFF);
            Curve25519.SharedSecret(ours.IdentityKey.PrivateKey.Span, signedPreKey, secret.Slice(KeySize, KeySize));
            Curve25519.SharedSecret(baseKey.PrivateKey.Span, identityKey, secret.Slice(2 * KeySize, KeySize));
            Curve25519.SharedSecret(baseKey.PrivateKey.Span, signedPreKey, secret.Slice(3 * KeySize, KeySize));
            if (!oneTimePreKey.IsEmpty)
            {
                Curve25519.SharedSecret(baseKey.PrivateKey.Span, oneTimePreKey, secret.Slice(4 * KeySize, KeySize));
            }

            RatchetKdf.DeriveInitialRootKey(secret, initialRoot);
            Curve25519.SharedSecret(ratchetKey.PrivateKey.Span, signedPreKey, agreement);
            RatchetKdf.RootStep(initialRoot, agreement, rootKey, sendingChainKey);
        }
        catch (CryptographicException e)
        {
            throw new InvalidPreKeyBundleException(InvalidPreKeyBundleReason.LowOrderKey, "A bundle key is a low-order point.", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
            CryptographicOperations.ZeroMemory(initialRoot);
            CryptographicOperations.ZeroMemory(agreement);
        }

        var state = new SessionState
        {
            RemoteIdentityKey = identityKey.ToArray(),
            RemoteRegistrationId = bundle.RegistrationId,
            BaseKey = baseKey.PublicKey.ToArray(),
            BaseKeyIsOurs = true,
            RootKey = rootKey,
            SenderRatchetPrivateKey = ratchetKey.PrivateKey.ToArray(),
            SenderRatchetPublicKey = ratchetKey.PublicKey.ToArray(),
            LastRemoteRatchetKey = signedPreKey.ToArray(),
            PreviousCounter = 0,
            SendingChainKey = sendingChainKey,
            SendingIndex = 0,
            ReceiverChains = [],
            PendingPreKey = new PendingPreKey(bundle.PreKeyId, bundle.SignedPreKeyId),
        };
        return record.WithNewCurrent(state);
    }

    /// <summary>
    /// Bob's half of X3DH for an incoming PreKeyWhisperMessage (libsignal-node <c>initIncoming</c> →
    /// <c>initSession(false, …)</c>). The state has no sending chain yet: the caller decrypts the
    /// message's inner WhisperMessage with it at once, which performs the first ratchet step.
    /// </summary>
    internal static SessionState InitializeAsResponder(
        LocalIdentity ours,
        SignedPreKeyRecord signedPreKey,
        PreKeyRecord? oneTimePreKey,
        byte[] theirIdentityKey,
        byte[] theirBaseKey,
        uint theirRegistrationId)
    {
        var rootKey = new byte[KeySize];
        Span<byte> secret = stackalloc byte[(oneTimePreKey is null ? 4 : 5) * KeySize];
        try
        {
            secret[..KeySize].Fill(0xFF);
            RatchetKdf.Agree(signedPreKey.KeyPair.PrivateKey.Span, theirIdentityKey, secret.Slice(KeySize, KeySize));
            RatchetKdf.Agree(ours.IdentityKey.PrivateKey.Span, theirBaseKey, secret.Slice(2 * KeySize, KeySize));
            RatchetKdf.Agree(signedPreKey.KeyPair.PrivateKey.Span, theirBaseKey, secret.Slice(3 * KeySize, KeySize));
            if (oneTimePreKey is not null)
            {
                RatchetKdf.Agree(oneTimePreKey.KeyPair.PrivateKey.Span, theirBaseKey, secret.Slice(4 * KeySize, KeySize));
            }

            RatchetKdf.DeriveInitialRootKey(secret, rootKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }

        return new SessionState
        {
            RemoteIdentityKey = theirIdentityKey,
            RemoteRegistrationId = theirRegistrationId,
            BaseKey = theirBaseKey,
            BaseKeyIsOurs = false,
            RootKey = rootKey,
            SenderRatchetPrivateKey = signedPreKey.KeyPair.PrivateKey.ToArray(),
            SenderRatchetPublicKey = signedPreKey.KeyPair.PublicKey.ToArray(),
            LastRemoteRatchetKey = theirBaseKey,
            PreviousCounter = 0,
            SendingChainKey = null,
            SendingIndex = 0,
            ReceiverChains = [],
            PendingPreKey = null,
        };
    }
}

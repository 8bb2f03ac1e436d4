using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Signal;

namespace SessionCluster.Sessions.Ratchets;

/// <summary>
/// What the session asks a contact device's ratchet actor, and its answers. Every answer names the device and the
/// message, so the session can match it to the send or receive it belongs to. An answer that changed the ratchet is
/// sent only after the new state is durable.
/// </summary>
public static class RatchetProtocol
{
    /// <summary>Decrypt a pkmsg/msg of <paramref name="MessageId"/>. Answered <see cref="Decrypted"/> or <see cref="DecryptFailed"/>.</summary>
    public sealed record Decrypt(string MessageId, CiphertextMessage Ciphertext, LocalIdentity Identity, IPreKeySource PreKeys);

    /// <summary>
    /// Encrypt <paramref name="Plaintext"/> (already padded) with the open session, or with a new one from
    /// <paramref name="Bundle"/> when given (any open session is archived). Answered <see cref="Encrypted"/> or
    /// <see cref="EncryptFailed"/>.
    /// </summary>
    public sealed record Encrypt(string MessageId, byte[] Plaintext, LocalIdentity Identity, PreKeyBundle? Bundle = null)
    {
        public override string ToString() => $"Encrypt({MessageId}, {Plaintext.Length} bytes, bundle {(Bundle is null ? "no" : "yes")})";
    }

    /// <summary>
    /// The plaintext; <paramref name="ConsumedPreKeyId"/> is the one-time prekey a pkmsg used, if any;
    /// <paramref name="IdentityChanged"/> when the pkmsg came on another identity key than the open session's.
    /// </summary>
    public sealed record Decrypted(Jid Device, string MessageId, byte[] Plaintext, uint? ConsumedPreKeyId, bool IdentityChanged = false)
    {
        public override string ToString() => $"Decrypted({Device}, {MessageId}, {Plaintext.Length} bytes)";
    }

    /// <summary>Not decrypted; the ratchet is as it was.</summary>
    public sealed record DecryptFailed(Jid Device, string MessageId, DecryptFailure Failure, string Reason);

    public sealed record Encrypted(Jid Device, string MessageId, CiphertextMessage Ciphertext);

    /// <summary>Not encrypted; <paramref name="NoSession"/> when only a bundle is missing.</summary>
    public sealed record EncryptFailed(Jid Device, string MessageId, bool NoSession, string Reason);

    /// <summary>The ratchet actor has been idle for its passivation time (to its parent, which stops it when nothing is pending).</summary>
    public sealed record Idle(Jid Device);
}

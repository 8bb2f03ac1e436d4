namespace SessionCluster.Protocol.Pairing;

/// <summary>Why pairing by code failed on the phone's side.</summary>
public enum PairingCodeFailure
{
    /// <summary>The code is not 8 characters of <see cref="PairingCode.Alphabet"/> (optionally written XXXX-XXXX).</summary>
    InvalidCode,

    /// <summary>A wrapped ephemeral key is not salt(32) || iv(16) || ciphertext(32) = 80 bytes.</summary>
    MalformedWrappedKey,

    /// <summary>A public key is not 32 bytes, or Diffie-Hellman with it gives the all-zero secret (a low-order point).</summary>
    InvalidPublicKey,

    /// <summary>The wrapped key bundle is not salt(32) || nonce(12) || AES-GCM(96-byte bundle) = 156 bytes.</summary>
    MalformedKeyBundle,

    /// <summary>The key bundle does not decrypt: the companion used another code, or the bundle was tampered with.</summary>
    KeyBundleDecryptionFailed,

    /// <summary>The decrypted bundle names another companion identity (than companion_identity_public) or another primary identity.</summary>
    IdentityMismatch,
}

/// <summary>
/// Pairing by code failed on the phone's side. <see cref="Failure"/> says which check; no key material or code in the
/// message. The server answers such a companion_finish with an error and does not link the device.
/// </summary>
public sealed class PairingCodeException(PairingCodeFailure failure, string message, Exception? inner = null)
    : ProtocolFailureException<PairingCodeFailure>(failure, message, inner);

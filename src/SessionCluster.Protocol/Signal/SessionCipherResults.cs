namespace SessionCluster.Protocol.Signal;

/// <summary>
/// The session after an encryption and the ciphertext to send. Persist <see cref="Record"/> before the
/// ciphertext leaves: its counter and chain key are used up.
/// </summary>
public sealed record EncryptResult(SessionRecord Record, CiphertextMessage Message)
{
    public override string ToString() => $"EncryptResult({Message})";
}

/// <summary>
/// The session after a decryption and the plaintext. <see cref="ConsumedPreKeyId"/> names the one-time
/// prekey a PreKeyWhisperMessage built its new session on; delete it after persisting <see cref="Record"/>.
/// </summary>
public sealed record DecryptResult(SessionRecord Record, byte[] Plaintext, uint? ConsumedPreKeyId)
{
    /// <summary>Never shows the plaintext.</summary>
    public override string ToString() => $"DecryptResult({Plaintext.Length} bytes, consumed prekey {ConsumedPreKeyId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"})";
}

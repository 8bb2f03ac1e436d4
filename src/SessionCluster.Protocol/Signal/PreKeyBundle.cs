namespace SessionCluster.Protocol.Signal;

/// <summary>
/// What a server hands out to start a session with a device (WhatsApp's <c>&lt;user&gt;</c> in an encrypt
/// iq result). Keys are the raw 32 bytes. The one-time prekey is absent when the server has run out.
/// </summary>
public sealed record PreKeyBundle(
    uint RegistrationId,
    ReadOnlyMemory<byte> IdentityKey,
    uint SignedPreKeyId,
    ReadOnlyMemory<byte> SignedPreKey,
    ReadOnlyMemory<byte> SignedPreKeySignature,
    uint? PreKeyId = null,
    ReadOnlyMemory<byte>? PreKey = null);

using SessionCluster.Protocol.Signal;

namespace SessionCluster.Simulator.Accounts;

/// <summary>
/// A companion linked to an account: what it registered with (noise key, Signal identity, registration id,
/// signed prekey) and what the phone gave it (device id, ADV key index). Its one-time prekeys live in
/// <see cref="PreKeys"/>, which changes as the device uploads and peers consume.
/// </summary>
internal sealed record CompanionDevice(
    int DeviceId,
    uint KeyIndex,
    ReadOnlyMemory<byte> NoiseKey,
    ReadOnlyMemory<byte> IdentityKey,
    uint RegistrationId,
    SignedPreKey SignedPreKey,
    string Platform,
    DateTimeOffset LinkedAt)
{
    public DevicePreKeys PreKeys { get; init; } = new();

    /// <summary>The device's prekey bundle with <paramref name="oneTime"/> (taken from <see cref="PreKeys"/>) when any was left.</summary>
    public PreKeyBundle Bundle((uint Id, ReadOnlyMemory<byte> PublicKey)? oneTime) =>
        new(RegistrationId, IdentityKey, SignedPreKey.Id, SignedPreKey.PublicKey, SignedPreKey.Signature, oneTime?.Id, oneTime?.PublicKey);
}

/// <summary>A device's signed prekey as uploaded: 24-bit id, 32-byte public key, 64-byte XEdDSA signature.</summary>
internal sealed record SignedPreKey(uint Id, ReadOnlyMemory<byte> PublicKey, ReadOnlyMemory<byte> Signature);

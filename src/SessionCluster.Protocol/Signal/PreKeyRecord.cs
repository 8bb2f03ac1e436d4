using SessionCluster.Protocol.Crypto;

namespace SessionCluster.Protocol.Signal;

/// <summary>A one-time prekey: a 24-bit id and a Curve25519 key pair. Consumed by the first session built on it.</summary>
public sealed record PreKeyRecord
{
    /// <summary>Prekey ids travel as 3 bytes in WhatsApp's XML, so they are at most 2^24 − 1.</summary>
    public const uint MaxId = 0xFFFFFF;

    public PreKeyRecord(uint id, KeyPair keyPair)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(id, MaxId);
        Id = id;
        KeyPair = keyPair;
    }

    public uint Id { get; }

    public KeyPair KeyPair { get; }
}

namespace SessionCluster.Protocol.Noise;

/// <summary>What a client trusts when it verifies the server's certificate chain.</summary>
public sealed record NoiseClientOptions
{
    /// <summary>
    /// The root public key intermediates must be signed by. Default: WhatsApp's production root
    /// (<see cref="NoiseProtocol.WhatsAppRootPublicKey"/>); point it at a simulator's root to talk to the simulator.
    /// </summary>
    public ReadOnlyMemory<byte> RootPublicKey { get; init; } = NoiseProtocol.WhatsAppRootPublicKey.ToArray();

    /// <summary>The clock the validity windows are checked against. Default: the system clock.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}

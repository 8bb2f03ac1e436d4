using Google.Protobuf;
using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Handshake;
using SessionCluster.Protocol.Signal;
using SessionCluster.Protocol.Wa.Client;

namespace SessionCluster.Simulator.Tests;

/// <summary>The client's own payload builders (Protocol/Handshake) read back by the simulator's parser, field for field.</summary>
public sealed class ClientPayloadsTests
{
    [Fact]
    public void The_simulator_reads_a_companion_registration_payload_back_to_the_keys_and_device_it_was_built_from()
    {
        var identity = Curve25519.GenerateKeyPair();
        var signedPreKey = KeyHelper.GenerateSignedPreKey(identity, 77);
        var payload = CompanionPayloads.Registration(123456, identity, signedPreKey, new CompanionDevice("Front desk", DeviceProps.Types.PlatformType.Desktop));
        payload.PushName = "Reception";

        var request = Assert.IsType<RegistrationRequest>(ClientPayloads.Parse(payload.ToByteArray()));

        Assert.Equal(123456u, request.RegistrationId);
        Assert.Equal(identity.PublicKey.ToArray(), request.IdentityKey.ToArray());
        Assert.Equal(77u, request.SignedPreKey.Id);
        Assert.Equal(("Front desk", "desktop", "Reception"), (request.DeviceProps.Os, request.Platform, request.PushName));
    }

    [Fact]
    public void The_simulator_reads_a_companion_login_payload_back_to_its_phone_and_device()
    {
        var request = Assert.IsType<LoginRequest>(ClientPayloads.Parse(CompanionPayloads.Login("15550001111", 3).ToByteArray()));

        Assert.Equal(("15550001111", 3, true), (request.Phone, request.Device, request.Passive));
    }
}

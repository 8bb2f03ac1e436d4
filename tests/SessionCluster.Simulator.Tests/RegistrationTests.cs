using Google.Protobuf;
using SessionCluster.Simulator.Tests.Support;

namespace SessionCluster.Simulator.Tests;

public sealed class RegistrationTests
{
    [Fact]
    public async Task A_registering_companion_gets_pair_device_with_six_refs()
    {
        await using var host = await TestSimulator.StartAsync();
        var device = new TestDevice();
        var (connection, refs) = await TestLinking.RegisterAsync(host, device);
        await using (connection)
        {
            Assert.Equal(6, refs.Count);
            Assert.Equal(6, refs.Distinct().Count());
            Assert.All(refs, r => Assert.DoesNotContain(',', r));
        }
    }

    public static TheoryData<string> BrokenPairingData() => ["signature", "keytype", "identity-length", "skey-id-length", "regid-length"];

    [Theory]
    [MemberData(nameof(BrokenPairingData))]
    public async Task Broken_device_pairing_data_gets_failure_400(string broken)
    {
        await using var host = await TestSimulator.StartAsync();
        var device = new TestDevice();
        var payload = device.RegistrationPayload(data =>
        {
            switch (broken)
            {
                case "signature":
                    var signature = data.ESkeySig.ToByteArray();
                    signature[0] ^= 1;
                    data.ESkeySig = ByteString.CopyFrom(signature);
                    break;
                case "keytype":
                    data.EKeytype = ByteString.CopyFrom(0x06);
                    break;
                case "identity-length":
                    data.EIdent = ByteString.CopyFrom(new byte[33]);
                    break;
                case "skey-id-length":
                    data.ESkeyID = ByteString.CopyFrom(0, 1);
                    break;
                case "regid-length":
                    data.ERegid = ByteString.CopyFrom(1, 2, 3);
                    break;
            }
        });
        await using var connection = await TestConnection.ConnectAsync(host, device.Noise, payload);
        var failure = await connection.ReceiveAsync();
        Assert.Equal("failure", failure.Tag);
        Assert.Equal("400", failure.GetString("reason"));
        await connection.AssertClosedAsync();
    }
}

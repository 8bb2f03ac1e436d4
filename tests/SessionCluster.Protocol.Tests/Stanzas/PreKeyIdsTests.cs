using SessionCluster.Protocol.Stanzas;

namespace SessionCluster.Protocol.Tests.Stanzas;

public sealed class PreKeyIdsTests
{
    [Theory]
    [InlineData(0u, new byte[] { 0x00, 0x00, 0x00 })]
    [InlineData(1u, new byte[] { 0x00, 0x00, 0x01 })]
    [InlineData(0x123456u, new byte[] { 0x12, 0x34, 0x56 })]
    [InlineData(0xFFFFFFu, new byte[] { 0xFF, 0xFF, 0xFF })]
    public void A_prekey_id_is_three_big_endian_bytes_and_reads_back(uint id, byte[] wire)
    {
        Assert.Equal(wire, PreKeyIds.Encode(id));
        Assert.Equal(id, PreKeyIds.Decode(wire));
    }
}

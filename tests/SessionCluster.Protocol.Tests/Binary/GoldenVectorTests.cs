using SessionCluster.Protocol.Binary;

namespace SessionCluster.Protocol.Tests.Binary;

/// <summary>The golden vectors of docs/PROTOCOL.md ("Test vectors", §4 encoding; hex includes the 0x00 flag byte), both directions.</summary>
public sealed class GoldenVectorTests
{
    public static TheoryData<string, string> Vectors => new()
    {
        { "iq-ping", "00f80a1908ff831b2a3f11fa000304291657f801f80156" },
        { "to-pn-device", "00f803110cf70002ff8615551234567f" },
        { "to-lid-device", "00f803110cf70107ff88123456789012345f" },
        { "to-lid", "00f803110cfaff88123456789012345f76" },
        { "ack-receipt", "00f8071b08fb05abcdef012311faff8615551234567f031507" },
        { "enc-bytes", "00f8061d5145044dfc03010203" },
    };

    private static Node NodeFor(string name) => name switch
    {
        "iq-ping" => new Node("iq", [("id", "1.2-3"), ("to", "@s.whatsapp.net"), ("type", "get"), ("xmlns", "w:p")], [new Node("ping")]),
        "to-pn-device" => new Node("to", [("jid", "15551234567:2@s.whatsapp.net")]),
        "to-lid-device" => new Node("to", [("jid", "123456789012345:7@lid")]),
        "to-lid" => new Node("to", [("jid", "123456789012345@lid")]),
        "ack-receipt" => new Node("ack", [("id", "ABCDEF0123"), ("to", "15551234567@s.whatsapp.net"), ("class", "receipt")]),
        "enc-bytes" => new Node("enc", [("v", "2"), ("type", "msg")], new byte[] { 1, 2, 3 }),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Encodes_golden_vector(string name, string hex)
    {
        Assert.Equal(hex, Hex.Of(NodeEncoder.EncodeFrame(NodeFor(name))));
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Decodes_golden_vector(string name, string hex)
    {
        Assert.Equal(NodeFor(name), NodeDecoder.DecodeFrame(Hex.Bytes(hex)));
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Write_emits_the_frame_without_its_flag_byte(string name, string hex)
    {
        var writer = new System.Buffers.ArrayBufferWriter<byte>();
        NodeEncoder.Write(NodeFor(name), writer);
        Assert.Equal(hex[2..], Hex.Of(writer.WrittenSpan));
        Assert.Equal(NodeFor(name), NodeDecoder.Decode(writer.WrittenSpan));
    }
}

using SessionCluster.Protocol.Binary;

namespace SessionCluster.Protocol.Tests.Binary;

/// <summary>
/// Which wire form each JID string gets. Where Baileys is lossless the bytes are Baileys' bytes; the raw cases
/// are the deliberate differences, chosen because Baileys' own encoding would not read back as the same string.
/// </summary>
public sealed class JidEncodingTests
{
    // "123" packs as ff82123f; "interop" is not a token and is written raw.
    private const string User = "ff82123f";
    private const string InteropRaw = "fc07696e7465726f70";

    [Theory]
    [InlineData("123@s.whatsapp.net", "fa" + User + "03")]
    [InlineData("@s.whatsapp.net", "fa0003")] // empty user is LIST_EMPTY
    [InlineData("123@g.us", "fa" + User + "1c")]
    [InlineData("status@broadcast", "fa0b0d")]
    [InlineData("123@lid", "fa" + User + "76")]
    [InlineData("123@newsletter", "fa" + User + "fc0a6e6577736c6574746572")]
    [InlineData("123@c.us", "fa" + User + "fc04632e7573")]
    [InlineData("123@call", "fa" + User + "64")]
    [InlineData("123@hosted", "fa" + User + "fc06686f73746564")] // like Baileys; whatsmeow would use AD_JID
    [InlineData("123@hosted.lid", "fa" + User + "fc0a686f737465642e6c6964")]
    [InlineData("123@msgr", "fa" + User + "cc")]
    [InlineData("123@bot", "fa" + User + "fc03626f74")]
    [InlineData("120363-456@g.us", "faff05120363a456" + "1c")]
    public void Writes_jid_pairs(string jid, string expectedHex) => AssertWritesAndReadsBack(jid, expectedHex);

    [Theory]
    [InlineData("123:2@s.whatsapp.net", "f70002" + User)]
    [InlineData("123:255@s.whatsapp.net", "f700ff" + User)]
    [InlineData("123:7@lid", "f70107" + User)]
    [InlineData("123:1@hosted", "f78001" + User)]
    [InlineData("123:1@hosted.lid", "f78101" + User)]
    [InlineData("123_5:1@s.whatsapp.net", "f70501" + User)] // agent in the domain byte; Baileys' decoder drops it, ours keeps it
    [InlineData("123_255:9@s.whatsapp.net", "f7ff09" + User)]
    public void Writes_ad_jids_for_a_device(string jid, string expectedHex) => AssertWritesAndReadsBack(jid, expectedHex);

    [Theory]
    [InlineData("123:0@s.whatsapp.net", "f70000" + User, "123@s.whatsapp.net")]
    [InlineData("123:0@lid", "f70100" + User, "123@lid")]
    public void Writes_an_explicit_device_0_as_Baileys_does_and_reads_it_back_without_it(string jid, string expectedHex, string readBack)
    {
        Assert.Equal(expectedHex, StringEncodingTests.EncodeValue(jid));
        Assert.Equal(readBack, StringEncodingTests.DecodeValue(expectedHex));
        Assert.Equal(Jid.Parse(jid), Jid.Parse(readBack));
    }

    [Theory]
    [InlineData("123:3@msgr", "f6" + User + "0003cc")]
    [InlineData("123:0@msgr", "f6" + User + "0000cc")]
    [InlineData("123:300@msgr", "f6" + User + "012ccc")]
    public void Writes_fb_jids_for_messenger_devices(string jid, string expectedHex) => AssertWritesAndReadsBack(jid, expectedHex);

    [Theory]
    [InlineData("7-123:3@interop", "f5" + User + "00030007" + InteropRaw)]
    [InlineData("0-123:0@interop", "f5" + User + "00000000" + InteropRaw)]
    [InlineData("65535-123:65535@interop", "f5" + User + "ffffffff" + InteropRaw)]
    public void Writes_interop_jids(string jid, string expectedHex) => AssertWritesAndReadsBack(jid, expectedHex);

    [Theory]
    [InlineData("alice@example.com")] // unknown server (Baileys: JID_PAIR)
    [InlineData("123@interop")] // interop without integrator-user:device (Baileys: JID_PAIR)
    [InlineData("a@b@g.us")] // two '@' (Baileys: nested JID_PAIRs)
    [InlineData(":1@s.whatsapp.net")] // device without user (Baileys: AD_JID with user "")
    [InlineData("123_5@s.whatsapp.net")] // agent without device (Baileys: JID_PAIR "123", agent lost)
    [InlineData("a_b@s.whatsapp.net")] // non-numeric agent (Baileys: agent lost)
    [InlineData("123_0:1@s.whatsapp.net")] // agent 0 spelled out
    [InlineData("123_1:1@s.whatsapp.net")] // agent 1 would read back as @lid
    [InlineData("123_128:1@s.whatsapp.net")] // ... 128 as @hosted
    [InlineData("123_129:1@s.whatsapp.net")] // ... 129 as @hosted.lid
    [InlineData("123_5:1@lid")] // agent on lid: the domain byte already names the server (Baileys: agent lost)
    [InlineData("123:300@s.whatsapp.net")] // device over 255 (Baileys: truncated to 44)
    [InlineData("123:1@g.us")] // device on a server AD_JID cannot name (Baileys: reads back @s.whatsapp.net)
    [InlineData("123:1@c.us")]
    [InlineData("123:1@broadcast")]
    [InlineData("123_5:1@msgr")] // agent on messenger
    [InlineData("123:abc@s.whatsapp.net")] // non-numeric device (Baileys: device 0, lost)
    [InlineData("123:01@s.whatsapp.net")] // leading zero (Baileys: reads back as :1)
    [InlineData("123:1:2@s.whatsapp.net")]
    [InlineData("123@")]
    [InlineData("@")]
    public void Writes_strings_that_are_not_strict_jids_raw(string value)
    {
        var hex = StringEncodingTests.EncodeValue(value);
        Assert.StartsWith("fc", hex, StringComparison.Ordinal);
        Assert.Equal(value, StringEncodingTests.DecodeValue(hex));
    }

    [Fact]
    public void Every_generated_jid_reads_back_as_itself()
    {
        var generator = new NodeGenerator(seed: 4242);
        for (var i = 0; i < 2000; i++)
        {
            var jid = generator.Jid();
            Assert.Equal(jid, StringEncodingTests.DecodeValue(StringEncodingTests.EncodeValue(jid)));
            Assert.Equal(jid, Jid.Parse(jid).ToString());
        }
    }

    private static void AssertWritesAndReadsBack(string jid, string expectedHex)
    {
        Assert.Equal(expectedHex, StringEncodingTests.EncodeValue(jid));
        Assert.Equal(jid, StringEncodingTests.DecodeValue(expectedHex));
    }
}

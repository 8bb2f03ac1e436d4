using Google.Protobuf;

namespace SessionCluster.Protocol.Tests.Proto;

/// <summary>
/// Helpers shared by the schema tests. Golden hex in this folder comes from Baileys'
/// own encoder; <c>baileys-golden.mjs</c> beside these files prints every value.
/// </summary>
internal static class ProtoAssert
{
    /// <summary>Bytes <paramref name="start"/>, start+1, … (mod 256): the same stand-in keys the generator uses.</summary>
    public static byte[] Seq(int start, int count)
    {
        var bytes = new byte[count];
        for (var i = 0; i < count; i++)
        {
            bytes[i] = (byte)(start + i);
        }
        return bytes;
    }

    public static ByteString SeqBytes(int start, int count) => ByteString.CopyFrom(Seq(start, count));

    /// <summary>Asserts that <paramref name="message"/> serializes to exactly <paramref name="expectedHex"/>.</summary>
    public static void EncodesTo(string expectedHex, IMessage message) =>
        Assert.Equal(expectedHex, Convert.ToHexStringLower(message.ToByteArray()));

    /// <summary>Parses golden hex and checks that re-encoding gives the same bytes back.</summary>
    public static T Decode<T>(string hex) where T : IMessage<T>, new()
    {
        var bytes = Convert.FromHexString(hex);
        var message = new MessageParser<T>(() => new T()).ParseFrom(bytes);
        Assert.Equal(hex, Convert.ToHexStringLower(message.ToByteArray()));
        return message;
    }

    /// <summary>Serializes, parses back, and checks both the value and the bytes survive.</summary>
    public static T RoundTrip<T>(T message) where T : IMessage<T>, new()
    {
        var bytes = message.ToByteArray();
        var parsed = new MessageParser<T>(() => new T()).ParseFrom(bytes);
        Assert.Equal(message, parsed);
        Assert.Equal(bytes, parsed.ToByteArray());
        return parsed;
    }
}

using SessionCluster.Protocol.Messages;

namespace SessionCluster.Protocol.Tests.Messages;

public sealed class MessagePaddingTests
{
    [Fact]
    public void Random_padding_is_1_to_16_bytes_of_its_own_length_and_unpads()
    {
        var message = "\n\u0005hello"u8.ToArray();
        var seen = new HashSet<int>();
        for (var i = 0; i < 2000; i++)
        {
            var padded = MessagePadding.Pad(message);
            var n = padded.Length - message.Length;
            Assert.InRange(n, 1, 16);
            Assert.All(padded[message.Length..], b => Assert.Equal(n, b));
            Assert.True(MessagePadding.TryUnpad(padded, out var unpadded));
            Assert.Equal(message, unpadded.ToArray());
            seen.Add(n);
        }

        Assert.Equal(16, seen.Count);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0a0500")] // n = 0
    [InlineData("0a0204")] // n = 4 > length 3
    [InlineData("0a05030203")] // the padding bytes are not all n
    public void Bad_padding_is_refused(string hex)
    {
        Assert.False(MessagePadding.TryUnpad(Convert.FromHexString(hex), out _));
    }

    [Fact]
    public void A_message_made_only_of_padding_unpads_to_nothing()
    {
        Assert.True(MessagePadding.TryUnpad(new byte[] { 2, 2 }, out var message));
        Assert.True(message.IsEmpty);
    }
}

using System.Security.Cryptography;
using SessionCluster.Protocol.AppState;

namespace SessionCluster.Protocol.Tests.AppState;

/// <summary>The LTHash is a set hash: order-free, and a removal undoes an addition.</summary>
public sealed class LtHashTests
{
    [Fact]
    public void Adding_in_any_order_gives_the_same_hash()
    {
        ReadOnlyMemory<byte> a = RandomNumberGenerator.GetBytes(32), b = RandomNumberGenerator.GetBytes(32);

        Assert.Equal(LtHash.Empty.SubtractThenAdd([], [a, b]), LtHash.Empty.SubtractThenAdd([], [b]).SubtractThenAdd([], [a]));
    }

    [Fact]
    public void Removing_what_was_added_gives_back_the_previous_hash()
    {
        ReadOnlyMemory<byte> a = RandomNumberGenerator.GetBytes(32), b = RandomNumberGenerator.GetBytes(32);
        var withA = LtHash.Empty.SubtractThenAdd([], [a]);

        Assert.Equal(withA, withA.SubtractThenAdd([], [b]).SubtractThenAdd([b], []));
        Assert.NotEqual(LtHash.Empty, withA);
    }

    [Fact]
    public void Stored_bytes_round_trip_and_the_wrong_length_is_refused()
    {
        var hash = LtHash.Empty.SubtractThenAdd([], [RandomNumberGenerator.GetBytes(32)]);

        Assert.Equal(hash, LtHash.FromBytes(hash.Bytes));
        Assert.Throws<ArgumentException>(() => LtHash.FromBytes(new byte[64]));
    }
}

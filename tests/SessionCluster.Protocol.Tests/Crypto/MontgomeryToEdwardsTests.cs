using System.Numerics;
using SessionCluster.Protocol.Crypto;

namespace SessionCluster.Protocol.Tests.Crypto;

public sealed class MontgomeryToEdwardsTests
{
    private static readonly BigInteger P = BigInteger.Pow(2, 255) - 19;

    [Fact]
    public void Matches_a_BigInteger_reference_on_random_and_edge_inputs()
    {
        var random = new Random(25519);
        var inputs = new List<byte[]>();
        for (var i = 0; i < 5000; i++)
        {
            var bytes = new byte[32];
            random.NextBytes(bytes);
            inputs.Add(bytes);
        }

        foreach (var value in new[] { BigInteger.Zero, BigInteger.One, 2, 9, P - 1, P - 2, P, P + 1, P + 18, BigInteger.Pow(2, 255) - 1, BigInteger.Pow(2, 254) })
        {
            var bytes = new byte[32];
            value.TryWriteBytes(bytes, out _, isUnsigned: true, isBigEndian: false);
            inputs.Add(bytes);
        }

        foreach (var input in inputs)
        {
            var expected = Reference(input, out var expectedOk);
            var actual = new byte[32];
            var ok = MontgomeryToEdwards.TryConvert(input, actual);

            Assert.Equal(expectedOk, ok);
            if (ok)
            {
                Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(actual));
            }
        }
    }

    // y = (u − 1) / (u + 1) mod p, with u's top bit ignored.
    private static byte[] Reference(byte[] input, out bool ok)
    {
        var masked = (byte[])input.Clone();
        masked[31] &= 0x7F;
        var u = new BigInteger(masked, isUnsigned: true, isBigEndian: false) % P;
        var denominator = (u + 1) % P;
        var result = new byte[32];
        ok = !denominator.IsZero;
        if (ok)
        {
            var y = (u - 1 + P) % P * BigInteger.ModPow(denominator, P - 2, P) % P;
            y.TryWriteBytes(result, out _, isUnsigned: true, isBigEndian: false);
        }

        return result;
    }
}

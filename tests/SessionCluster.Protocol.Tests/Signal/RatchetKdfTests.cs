using System.Security.Cryptography;
using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Signal;

namespace SessionCluster.Protocol.Tests.Signal;

public sealed class RatchetKdfTests
{
    [Fact]
    public void Message_keys_with_a_prepared_MAC_key_are_the_HKDF_output_and_its_MAC_key()
    {
        var random = new Random(80);
        var seed = new byte[32];
        var keys = new byte[RatchetKdf.MessageKeysSize];
        var expected = new byte[RatchetKdf.MessageKeysSize];
        var mac = new byte[32];
        for (var i = 0; i < 500; i++)
        {
            random.NextBytes(seed);
            RatchetKdf.MessageKeys(seed, keys, out var macKey);
            RatchetKdf.MessageKeys(seed, expected);
            Assert.Equal(expected, keys);
            Assert.Equal(HKDF.DeriveKey(HashAlgorithmName.SHA256, seed, RatchetKdf.MessageKeysSize, new byte[32], "WhisperMessageKeys"u8.ToArray()), keys);

            macKey.Compute(seed, mac);
            Assert.Equal(HMACSHA256.HashData(keys.AsSpan(32, 32), seed), mac);
        }
    }
}

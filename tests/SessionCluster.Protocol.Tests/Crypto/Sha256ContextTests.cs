using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using SessionCluster.Protocol.Crypto;

namespace SessionCluster.Protocol.Tests.Crypto;

public sealed class Sha256ContextTests
{
    [Fact]
    public void OpenSSL_low_level_SHA256_loads_and_passes_its_self_test_on_this_machine()
    {
        Assert.True(Sha256Native.IsAvailable, "libcrypto.so.3 (Debian's libssl3) should provide SHA256_Init/Update/Final.");
        Assert.Equal(Sha256Backend.Native, Sha256Native.DefaultBackend);
    }

    [Fact]
    public void A_context_has_room_for_OpenSSL_SHA256_CTX_and_its_backend_tag()
    {
        Assert.Equal(128, Unsafe.SizeOf<Sha256Context>());
        Assert.True(Sha256Context.NativeSize < Sha256Context.Size - sizeof(uint));
    }

    [Theory]
    [InlineData(Backends.OpenSsl, "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData(Backends.OpenSsl, "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData(Backends.OpenSsl, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")]
    [InlineData(Backends.Managed, "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData(Backends.Managed, "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData(Backends.Managed, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")]
    public void Matches_the_FIPS_180_examples(string backend, string message, string expected)
    {
        var context = Sha256Context.Create(Backends.Sha256(backend));
        var digest = new byte[32];

        context.Append(System.Text.Encoding.ASCII.GetBytes(message));
        context.Finish(digest);

        Assert.Equal(expected, Convert.ToHexStringLower(digest));
    }

    [Theory]
    [InlineData(Backends.OpenSsl)]
    [InlineData(Backends.Managed)]
    public void Any_chunking_and_any_copied_midstate_gives_the_one_shot_digest(string backend)
    {
        var random = new Random(0x5_4A256);
        for (var i = 0; i < 2000; i++)
        {
            var message = new byte[random.Next(0, 400)];
            random.NextBytes(message);
            var split = random.Next(0, message.Length + 1);

            var context = Sha256Context.Create(Backends.Sha256(backend));
            var rest = message.AsSpan();
            while (rest.Length > message.Length - split)
            {
                var take = Math.Min(random.Next(0, 70), rest.Length - (message.Length - split));
                context.Append(rest[..take]);
                rest = rest[take..];
            }

            // Continue from a copy, as HMAC midstates do; the original is wiped to show the copy stands alone.
            var copy = context;
            context = default;
            copy.Append(rest);
            var digest = new byte[32];
            copy.Finish(digest);

            Assert.Equal(SHA256.HashData(message), digest);
        }
    }

    [Fact]
    public void A_default_context_refuses_to_hash()
    {
        var context = default(Sha256Context);

        Assert.Equal(Sha256Backend.None, context.Backend);
        Assert.Throws<InvalidOperationException>(() =>
        {
            var local = default(Sha256Context);
            local.Append([1, 2, 3]);
        });
    }

    [Theory]
    [InlineData(Backends.OpenSsl)]
    [InlineData(Backends.Managed)]
    public void A_digest_span_shorter_than_32_bytes_is_refused(string backend)
    {
        Assert.Throws<ArgumentException>(() =>
        {
            var context = Sha256Context.Create(Backends.Sha256(backend));
            context.Finish(new byte[31]);
        });
    }
}

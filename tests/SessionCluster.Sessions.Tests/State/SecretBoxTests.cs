using System.Security.Cryptography;
using SessionCluster.Sessions.State;

namespace SessionCluster.Sessions.Tests.State;

public sealed class SecretBoxTests
{
    private static readonly byte[] Context = "session-a"u8.ToArray();
    private static readonly byte[] Secret = Enumerable.Range(0, 40).Select(i => (byte)i).ToArray();

    private static SecretBox NewBox(out SecretKey key)
    {
        key = SecretKey.Generate(RandomNumberGenerator.Create());
        return new SecretBox(key, RandomNumberGenerator.Create());
    }

    [Fact]
    public void Sealed_bytes_open_to_the_same_bytes_and_do_not_contain_them()
    {
        var box = NewBox(out var key);
        var envelope = box.Seal(Secret, Context);

        Assert.Equal(SecretBox.Overhead + Secret.Length, envelope.Length);
        Assert.Equal(SecretBox.Version1, envelope[0]);
        Assert.Equal(key.KeyId.ToArray(), envelope[1..5]);
        Assert.Equal(-1, envelope.AsSpan().IndexOf(Secret.AsSpan(0, 16)));
        Assert.Equal(Secret, box.Open(envelope, Context));
    }

    [Fact]
    public void Two_seals_of_the_same_bytes_differ_because_each_takes_a_fresh_nonce()
    {
        var box = NewBox(out _);
        Assert.NotEqual(box.Seal(Secret, Context), box.Seal(Secret, Context));
    }

    [Fact]
    public void Changing_any_byte_after_the_version_is_Tampered()
    {
        var box = NewBox(out _);
        var envelope = box.Seal(Secret, Context);
        for (var i = 1; i < envelope.Length; i++)
        {
            var changed = envelope.ToArray();
            changed[i] ^= 0x01;
            var error = Assert.Throws<SecretsException>(() => box.Open(changed, Context));
            Assert.True(error.Failure == SecretsFailure.Tampered, $"byte {i}: {error.Failure}");
        }
    }

    [Fact]
    public void A_cut_envelope_and_another_context_are_Tampered()
    {
        var box = NewBox(out _);
        var envelope = box.Seal(Secret, Context);

        Assert.Equal(SecretsFailure.Tampered, Assert.Throws<SecretsException>(() => box.Open(envelope[..^1], Context)).Failure);
        Assert.Equal(SecretsFailure.Tampered, Assert.Throws<SecretsException>(() => box.Open(envelope[..10], Context)).Failure);
        Assert.Equal(SecretsFailure.Tampered, Assert.Throws<SecretsException>(() => box.Open(envelope, "session-b"u8)).Failure);
    }

    [Fact]
    public void An_unknown_version_byte_is_UnknownVersion()
    {
        var box = NewBox(out _);
        var envelope = box.Seal(Secret, Context);
        envelope[0] = 2;

        Assert.Equal(SecretsFailure.UnknownVersion, Assert.Throws<SecretsException>(() => box.Open(envelope, Context)).Failure);
    }

    [Fact]
    public void Another_key_is_WrongKey_and_the_message_names_key_ids_only()
    {
        var box = NewBox(out var key);
        var other = NewBox(out var otherKey);
        var envelope = box.Seal(Secret, Context);

        var error = Assert.Throws<SecretsException>(() => other.Open(envelope, Context));

        Assert.Equal(SecretsFailure.WrongKey, error.Failure);
        Assert.Contains(key.KeyIdHex, error.Message, StringComparison.Ordinal);
        Assert.Contains(otherKey.KeyIdHex, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(key.ExportBase64(), error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(otherKey.ExportBase64(), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_box_holding_the_previous_key_opens_what_it_sealed_and_seals_under_the_new_one()
    {
        var oldBox = NewBox(out var oldKey);
        var envelope = oldBox.Seal(Secret, Context);
        var newKey = SecretKey.Generate(RandomNumberGenerator.Create());
        var rotated = new SecretBox(newKey, [oldKey], RandomNumberGenerator.Create());

        Assert.Equal(Secret, rotated.Open(envelope, Context));
        Assert.Equal(newKey.KeyId.ToArray(), rotated.Seal(Secret, Context)[1..5]);
    }

    [Fact]
    public void A_rotated_box_says_an_envelope_of_the_previous_key_needs_resealing_and_one_of_the_current_key_does_not()
    {
        var oldBox = NewBox(out var oldKey);
        var rotated = new SecretBox(SecretKey.Generate(RandomNumberGenerator.Create()), [oldKey], RandomNumberGenerator.Create());

        Assert.True(rotated.NeedsReseal(oldBox.Seal(Secret, Context)));
        Assert.False(rotated.NeedsReseal(rotated.Seal(Secret, Context)));
        Assert.False(rotated.NeedsReseal([]));
        Assert.Equal([oldKey.KeyIdHex], rotated.PreviousKeyIds);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not base64!")]
    [InlineData("AAAA")]
    public void A_missing_or_malformed_key_is_MissingKey(string? configured)
    {
        var error = Assert.Throws<SecretsException>(() => SecretKey.FromBase64(configured, "SC:Secrets:Key"));
        Assert.Equal(SecretsFailure.MissingKey, error.Failure);
        Assert.Contains("SC:Secrets:Key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_read_from_base64_seals_like_the_key_it_was_exported_from_and_never_prints_itself()
    {
        var key = SecretKey.Generate(RandomNumberGenerator.Create());
        var read = SecretKey.FromBase64(key.ExportBase64(), "test");

        Assert.Equal(key.KeyIdHex, read.KeyIdHex);
        Assert.DoesNotContain(key.ExportBase64(), read.ToString(), StringComparison.Ordinal);
        var envelope = new SecretBox(key, RandomNumberGenerator.Create()).Seal(Secret, Context);
        Assert.Equal(Secret, new SecretBox(read, RandomNumberGenerator.Create()).Open(envelope, Context));
    }

    [Fact]
    public void A_box_WithCurrent_seals_under_the_new_key_and_still_opens_what_the_old_keys_sealed()
    {
        var node = NewBox(out _);
        var dataKey = SecretKey.Generate(System.Security.Cryptography.RandomNumberGenerator.Create());
        var session = node.WithCurrent(dataKey);
        var sealedBefore = node.Seal(Secret, Context);
        var sealedNow = session.Seal(Secret, Context);

        Assert.Equal(dataKey.KeyIdHex, session.CurrentKeyId);
        Assert.Equal(Secret, session.Open(sealedBefore, Context));
        Assert.Equal(Secret, session.Open(sealedNow, Context));
        // Without the data key (wiped) what it sealed does not open.
        Assert.Equal(SecretsFailure.WrongKey, Assert.Throws<SecretsException>(() => node.Open(sealedNow, Context)).Failure);
    }
}

using System.Text;
using SessionCluster.Protocol.Signal;

namespace SessionCluster.Interop.Tests.Signal;

/// <summary>
/// 1:1 sessions between our engine and libsignal-node 6.0.0, started by either side, with and
/// without a one-time prekey, then long conversations with random interleaving and reordering.
/// </summary>
[Trait("Category", "Interop")]
public sealed class SessionInteropTests(SignalPeerFixture fixture) : IClassFixture<SignalPeerFixture>
{
    private readonly LibsignalNode _node = fixture.Node;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Csharp_starts_a_session_from_a_libsignal_bundle_and_both_sides_talk(bool withOneTimePreKey)
    {
        var theirs = await _node.InitAsync();
        var ours = new CSharpParty();
        var bundle = await _node.BundleAsync(theirs, withOneTimePreKey);
        Assert.Equal(withOneTimePreKey, bundle.PreKeyId is not null);

        ours.ProcessBundle(theirs.Address, bundle);
        Assert.True(ours.Session(theirs.Address).HasCurrentSession);

        // Until an answer arrives, everything we send is a PreKeyWhisperMessage; libsignal takes them in any order.
        var first = ours.Encrypt(theirs.Address, Text("one"));
        var second = ours.Encrypt(theirs.Address, Text("two"));
        Assert.All(new[] { first, second }, m =>
        {
            Assert.Equal(CiphertextType.PreKey, m.Type);
            Assert.Equal("pkmsg", m.WireType);
            Assert.Equal(0x33, m.Serialized[0]);
        });
        Assert.Equal("two", Read(await _node.DecryptAsync(theirs, ours.Address, second)));
        Assert.Equal("one", Read(await _node.DecryptAsync(theirs, ours.Address, first)));

        // libsignal deleted exactly the one-time prekey we used.
        var remaining = await _node.RemainingPreKeysAsync(theirs);
        Assert.Equal(withOneTimePreKey ? 2 : 3, remaining.Length);
        if (bundle.PreKeyId is { } used)
        {
            Assert.DoesNotContain(used, remaining);
        }

        var answer = await _node.EncryptAsync(theirs, ours.Address, Text("three"));
        Assert.Equal(CiphertextType.Whisper, answer.Type);
        Assert.Equal("three", Read(ours.Decrypt(theirs.Address, answer)));

        // The answer confirmed the session: from now on plain WhisperMessages.
        var fourth = ours.Encrypt(theirs.Address, Text("four"));
        Assert.Equal(CiphertextType.Whisper, fourth.Type);
        Assert.Equal("msg", fourth.WireType);
        Assert.Equal("four", Read(await _node.DecryptAsync(theirs, ours.Address, fourth)));
        Assert.Equal(theirs.IdentityKey, ours.Session(theirs.Address).RemoteIdentityKey.ToArray());
        Assert.Equal(theirs.RegistrationId, ours.Session(theirs.Address).RemoteRegistrationId);
        Assert.Equal(ours.Identity.RegistrationId, await _node.RemoteRegistrationIdAsync(theirs, ours.Address));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Libsignal_starts_a_session_from_our_bundle_and_both_sides_talk(bool withOneTimePreKey)
    {
        var theirs = await _node.InitAsync();
        var ours = new CSharpParty();
        var bundle = ours.Bundle(withOneTimePreKey);

        await _node.ProcessBundleAsync(theirs, ours.Address, bundle);
        var messages = await _node.EncryptManyAsync(theirs, ours.Address, [Text("one"), Text("two"), Text("three")]);
        Assert.All(messages, m => Assert.Equal(CiphertextType.PreKey, m.Type));

        Assert.Equal("three", Read(ours.Decrypt(theirs.Address, messages[2])));
        Assert.Equal(withOneTimePreKey ? 2 : 3, ours.RemainingPreKeys.Count);
        if (bundle.PreKeyId is { } used)
        {
            Assert.DoesNotContain(used, ours.RemainingPreKeys);
        }

        // The other two name the same (now deleted) prekey and base key: they belong to the session already built.
        Assert.Equal("one", Read(ours.Decrypt(theirs.Address, messages[0])));
        Assert.Equal("two", Read(ours.Decrypt(theirs.Address, messages[1])));
        Assert.Equal(theirs.IdentityKey, ours.Session(theirs.Address).RemoteIdentityKey.ToArray());
        Assert.Equal(theirs.RegistrationId, ours.Session(theirs.Address).RemoteRegistrationId);

        var answer = ours.Encrypt(theirs.Address, Text("four"));
        Assert.Equal(CiphertextType.Whisper, answer.Type);
        Assert.Equal("four", Read(await _node.DecryptAsync(theirs, ours.Address, answer)));

        var after = await _node.EncryptAsync(theirs, ours.Address, Text("five"));
        Assert.Equal(CiphertextType.Whisper, after.Type);
        Assert.Equal("five", Read(ours.Decrypt(theirs.Address, after)));
    }

    [Fact]
    public async Task A_one_time_prekey_handed_out_twice_builds_one_session_and_the_second_is_refused_on_both_sides()
    {
        // Ours: two libsignal devices start from the same bundle of ours; the first consumes the prekey.
        var ours = new CSharpParty();
        var bundle = ours.Bundle();
        var first = await _node.InitAsync();
        var second = await _node.InitAsync();
        await _node.ProcessBundleAsync(first, ours.Address, bundle);
        await _node.ProcessBundleAsync(second, ours.Address, bundle);
        Assert.Equal("first", Read(ours.Decrypt(first.Address, await _node.EncryptAsync(first, ours.Address, Text("first")))));

        var late = await _node.EncryptAsync(second, ours.Address, Text("second"));
        var refusal = Assert.Throws<SignalDecryptException>(() => ours.Decrypt(second.Address, late));
        Assert.Equal(DecryptFailure.MissingPreKey, refusal.Failure);
        Assert.False(ours.Session(second.Address).HasCurrentSession);

        // libsignal-node: the same situation with the roles swapped is its PreKeyError.
        var theirs = await _node.InitAsync();
        var theirBundle = await _node.BundleAsync(theirs);
        var one = new CSharpParty("csharp-one.1");
        var two = new CSharpParty("csharp-two.1");
        one.ProcessBundle(theirs.Address, theirBundle);
        two.ProcessBundle(theirs.Address, theirBundle);
        Assert.Equal("one", Read(await _node.DecryptAsync(theirs, one.Address, one.Encrypt(theirs.Address, Text("one")))));

        var results = await _node.DecryptManyAsync(theirs, two.Address, [two.Encrypt(theirs.Address, Text("two"))]);
        Assert.False(results[0].Succeeded);
        Assert.Equal(("PreKeyError", "Invalid PreKey ID"), (results[0].ErrorName, results[0].ErrorMessage));
    }

    [Fact]
    public async Task Plaintexts_from_empty_to_a_quarter_mebibyte_cross_both_ways()
    {
        var theirs = await _node.InitAsync();
        var ours = new CSharpParty();
        ours.ProcessBundle(theirs.Address, await _node.BundleAsync(theirs));
        var random = new Random(5);
        foreach (var size in new[] { 0, 1, 15, 16, 17, 31, 32, 33, 1000, 65_535, 65_536, 262_144 })
        {
            var plaintext = new byte[size];
            random.NextBytes(plaintext);
            Assert.Equal(plaintext, await _node.DecryptAsync(theirs, ours.Address, ours.Encrypt(theirs.Address, plaintext)));
            Assert.Equal(plaintext, ours.Decrypt(theirs.Address, await _node.EncryptAsync(theirs, ours.Address, plaintext)));
        }
    }

    [Fact]
    public async Task Registration_ids_beyond_fourteen_bits_cross_both_ways()
    {
        // Baileys draws 14 bits, whatsmeow a full uint32 (docs/PROTOCOL.md §7); both travel in the same protobuf field.
        const uint Large = 4_000_000_000;
        var theirs = await _node.InitAsync(registrationId: Large);
        var ours = new CSharpParty(registrationId: Large - 1);
        await _node.ProcessBundleAsync(theirs, ours.Address, ours.Bundle());
        Assert.Equal("a"u8.ToArray(), ours.Decrypt(theirs.Address, await _node.EncryptAsync(theirs, ours.Address, "a"u8.ToArray())));
        Assert.Equal(Large, ours.Session(theirs.Address).RemoteRegistrationId);

        var other = await _node.InitAsync();
        ours.ProcessBundle(other.Address, await _node.BundleAsync(other));
        Assert.Equal("b"u8.ToArray(), await _node.DecryptAsync(other, ours.Address, ours.Encrypt(other.Address, "b"u8.ToArray())));
        Assert.Equal(Large - 1, await _node.RemoteRegistrationIdAsync(other, ours.Address));
    }

    [Theory]
    [InlineData(true, 20261122)]
    [InlineData(false, 20261123)]
    public async Task A_long_conversation_with_random_interleaving_and_reordering_decrypts_every_message_on_both_sides(bool csharpStarts, int seed)
    {
        const int Messages = 1200;
        var theirs = await _node.InitAsync();
        var ours = new CSharpParty();
        if (csharpStarts)
        {
            ours.ProcessBundle(theirs.Address, await _node.BundleAsync(theirs));
        }
        else
        {
            await _node.ProcessBundleAsync(theirs, ours.Address, ours.Bundle());
        }

        var conversation = new Conversation(_node, ours, theirs, seed);
        await conversation.RunAsync(Messages);

        Assert.Equal(Messages, conversation.Sent);
        Assert.Equal(Messages, conversation.DeliveredToNode + conversation.DeliveredToCSharp);
        Assert.True(conversation.DeliveredToNode > Messages / 4 && conversation.DeliveredToCSharp > Messages / 4);
        Assert.True(conversation.ArrivedOutOfOrder > Messages / 10, $"only {conversation.ArrivedOutOfOrder} messages arrived out of order");
        Assert.True(conversation.DirectionChanges > 50, $"only {conversation.DirectionChanges} ratchet turns");
        Assert.Equal(0, ours.Session(theirs.Address).ArchivedSessionCount);
        var session = await _node.SessionAsync(theirs, ours.Address);
        Assert.Equal((true, true, 1, 0), session);
    }

    private static byte[] Text(string text) => Encoding.UTF8.GetBytes(text);

    private static string Read(byte[] plaintext) => Encoding.UTF8.GetString(plaintext);
}

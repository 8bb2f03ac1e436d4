using SessionCluster.Protocol.Signal;

namespace SessionCluster.Interop.Tests.Signal;

/// <summary>
/// Our session and sender-key records, serialized and read back mid-conversation (with skipped
/// message keys and pending prekey state inside), keep working with libsignal-node and Baileys.
/// </summary>
[Trait("Category", "Interop")]
public sealed class RecordPersistenceInteropTests(SignalPeerFixture fixture) : IClassFixture<SignalPeerFixture>
{
    private const string Group = "120363025246125486@g.us";

    private readonly LibsignalNode _node = fixture.Node;

    [Theory]
    [InlineData(true, 31)]
    [InlineData(false, 32)]
    public async Task A_conversation_whose_session_record_is_stored_serialized_after_every_step_works_with_libsignal(bool csharpStarts, int seed)
    {
        const int Messages = 400;
        var theirs = await _node.InitAsync();
        var ours = new CSharpParty { StoreSerialized = true };
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

        Assert.Equal(Messages, conversation.DeliveredToNode + conversation.DeliveredToCSharp);
        Assert.True(ours.RoundTrips >= Messages, $"only {ours.RoundTrips} round trips");
    }

    [Fact]
    public async Task A_record_read_back_with_skipped_keys_and_an_archived_session_still_decrypts_the_late_messages()
    {
        var theirs = await _node.InitAsync();
        var ours = new CSharpParty();
        ours.ProcessBundle(theirs.Address, await _node.BundleAsync(theirs));
        await _node.DecryptAsync(theirs, ours.Address, ours.Encrypt(theirs.Address, [0]));

        // Skipped keys: 30 sent, only the last read.
        var plaintexts = Enumerable.Range(1, 30).Select(i => new[] { (byte)i }).ToList();
        var sent = await _node.EncryptManyAsync(theirs, ours.Address, plaintexts);
        Assert.Equal(plaintexts[^1], ours.Decrypt(theirs.Address, sent[^1]));

        // An archived session: libsignal starts over, its first new message read.
        await _node.ProcessBundleAsync(theirs, ours.Address, ours.Bundle());
        var restart = await _node.EncryptAsync(theirs, ours.Address, [99]);
        Assert.Equal(new byte[] { 99 }, ours.Decrypt(theirs.Address, restart));

        var bytes = ours.Session(theirs.Address).Serialize();
        var restored = SessionRecord.Deserialize(bytes);
        Assert.Equal(bytes, restored.Serialize());
        Assert.Equal(1, restored.ArchivedSessionCount);
        Assert.True(restored.HasCurrentSession);
        ours.SetSession(theirs.Address, restored);

        for (var i = 0; i < 29; i++)
        {
            Assert.Equal(plaintexts[i], ours.Decrypt(theirs.Address, sent[i]));
        }

        var answer = ours.Encrypt(theirs.Address, [100]);
        Assert.Equal(new byte[] { 100 }, await _node.DecryptAsync(theirs, ours.Address, answer));
    }

    [Fact]
    public async Task Sender_key_records_read_back_mid_conversation_keep_decrypting_Baileys_and_encrypting_for_it()
    {
        var sender = await _node.InitAsync();
        var receiver = await _node.InitAsync(senderKeyJson: "buffer-json");
        var ours = new CSharpParty { StoreSerialized = true };
        var (senderAddress, distribution) = await _node.GroupCreateAsync(sender, Group);
        ours.GroupProcess(Group, senderAddress, distribution);
        await _node.GroupProcessAsync(receiver, Group, ours.Address, ours.GroupCreate(Group));

        var random = new Random(33);
        var fromBaileys = await _node.GroupEncryptManyAsync(sender, Group, Enumerable.Range(0, 120).Select(i => new[] { (byte)i }));
        foreach (var i in Enumerable.Range(0, 120).OrderBy(_ => random.Next()))
        {
            Assert.Equal(new[] { (byte)i }, ours.GroupDecrypt(Group, senderAddress, fromBaileys[i].Ciphertext));
        }

        var fromUs = Enumerable.Range(0, 120).Select(i => ours.GroupEncrypt(Group, [(byte)i])).ToList();
        var order = Enumerable.Range(0, 120).OrderBy(_ => random.Next()).ToList();
        var results = await _node.GroupDecryptManyAsync(receiver, Group, ours.Address, order.Select(i => fromUs[i]));
        Assert.Equal(order.Select(i => new[] { (byte)i }), results.Select(r => r.Plaintext));
        Assert.True(ours.RoundTrips >= 242, $"only {ours.RoundTrips} round trips");

        var own = ours.SenderKey(Group, ours.Address);
        Assert.Equal(own.Serialize(), SenderKeyRecord.Deserialize(own.Serialize()).Serialize());
    }
}

using System.Text;
using SessionCluster.Protocol.Signal;

namespace SessionCluster.Protocol.Tests.Signal;

/// <summary>
/// A distribution and messages written by Baileys' own group cipher (baileys 7.0.0-rc14, regenerate with
/// SenderKeyBaileysVectors.mjs). Baileys encrypts at iterations 0, 2, 4, 6: after the first message it
/// asks its chain for iteration + 1, so every other iteration is skipped and receivers keep its key.
/// </summary>
public sealed class GroupCipherBaileysVectorTests
{
    private const string Distribution = "3308a9dc8ef00610001a2021033411410497487bf45183f9ce885b4e93fb81cda7f3bc18d27015997caa4b222105ab6030d00aa4075ebaff1b0b6c461a5c239ca5b8bebe80b3b489d2deef1e991b";

    private static readonly string[] Messages =
    [
        "3308a9dc8ef00610001a208becf2c8fcd8b7f35d009e4e71679748efb98bbb074327cd507f8444ed74d007394e0c06a8df70ca1bf4a046e4fe86b8b6af709595378b5486bbc3c54709c90e76a76ee643a314d29b655184c13f340f3a789f380ff76c9cf43b51bbce3d8589",
        "3308a9dc8ef00610021a202fc7b3e98ecdbe29c3fcf397929251d3aaa515c21689ec6c0a335ceb4e355a5dd4f1fd24471b18be2b70d66ee951de041b7925ad71888f0814333cd67dc5ad308d8e8336a7299510c94dc81d0e3b2643bf6ae4a58c8494fb48653c890f9c0085",
        "3308a9dc8ef00610041a202be633a297f559c9f22ce863ebe5a7f8ed8ba33a5b3cb2b80497a6a8caf879027744ca606deb5b2392ad1236352b2706fb0be56ae40f88214e2aabd54215214fffb8e4a6588ba352a0330bd8cd450fedd37e511b0bb48122cfc86247c82c798b",
        "3308a9dc8ef00610061a2029834bcd129d6e13ed6437d4648871979cea1545c74d6a00b01a4d98e2815bd568e5912ab9306b2d66f1362c0da2bf3a8c06acb4961d28d9fdc5bf08e9b9455766affc57c3b2950e9af34109f6f94a738b333dc5e5d40a16814fbe209cf1f78d",
    ];

    [Fact]
    public void Baileys_messages_decrypt_in_order_and_leave_the_odd_iterations_skipped()
    {
        var receiver = GroupMember.NewReceiver(Convert.FromHexString(Distribution));
        for (var i = 0; i < Messages.Length; i++)
        {
            var message = Convert.FromHexString(Messages[i]);
            Assert.Equal((uint)(2 * i), SenderKeyMessage.Parse(message).Iteration);
            Assert.Equal($"baileys group message {i}", receiver.Receive(message));
        }

        var state = receiver.Record.Newest!;
        Assert.Equal(7u, state.Iteration);
        Assert.Equal(new uint[] { 1, 3, 5 }, state.SkippedKeys.Select(k => k.Iteration));
    }

    [Fact]
    public void Baileys_messages_decrypt_out_of_order_and_not_twice()
    {
        var receiver = GroupMember.NewReceiver(Convert.FromHexString(Distribution));
        foreach (var i in new[] { 3, 0, 2, 1 })
        {
            Assert.Equal($"baileys group message {i}", receiver.Receive(Convert.FromHexString(Messages[i])));
        }

        receiver.Refuses(Convert.FromHexString(Messages[1]), DecryptFailure.DuplicateMessage);
    }

    [Fact]
    public void The_distribution_and_messages_have_the_layout_we_write()
    {
        var distribution = Convert.FromHexString(Distribution);
        var receiver = GroupSessionBuilder.ProcessDistribution(SenderKeyRecord.Empty, distribution);
        var state = receiver.Newest!;
        Assert.Equal(distribution, SenderKeyDistributionMessage.Serialize(state.KeyId, state.Iteration, state.ChainKey, state.SigningPublicKey));

        // Our writer puts the same body bytes around the same ciphertext; only the randomized signature differs.
        var message = Convert.FromHexString(Messages[0]);
        var parsed = SenderKeyMessage.Parse(message);
        Span<byte> seed = stackalloc byte[32];
        Span<byte> messageKey = stackalloc byte[SenderKeyChain.MessageKeySize];
        SenderKeyChain.MessageKeySeed(state.ChainKey, seed);
        SenderKeyChain.MessageKey(seed, messageKey);
        var ours = SenderKeyMessage.Create(parsed.KeyId, 0, messageKey, Encoding.UTF8.GetBytes("baileys group message 0"), new byte[32]);
        Assert.Equal(message[..^64], ours[..^64]);
    }
}

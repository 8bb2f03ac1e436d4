using System.Text;
using SessionCluster.Protocol.Signal;

namespace SessionCluster.Protocol.Tests.Signal;

/// <summary>
/// Records written by the first version of the sender key record format (record version 1), committed
/// as bytes. Every later build must read them and carry on the conversation: keep this test forever,
/// and when the format changes add the new version's fixture beside these, never in their place.
/// </summary>
/// <remarks>
/// Made with a sender (key id 950251328) that sent "fixture 0", "fixture 1", "fixture 2", and a
/// receiver that first processed another sender's distribution (key id 1681227092), then this
/// sender's, and received only "fixture 2"; the other sender then sent "fixture other 0".
/// </remarks>
public sealed class SenderKeyRecordFixtureTests
{
    private const uint SenderKeyId = 950251328;

    // Own sending state: key id, iteration 3, chain key, signing public and private key.
    private const string SenderRecordV1 =
        "0801126e08c0de8ec50310031a203448592920b0c6575a40dd35640df51f6abe864becedad1a66706d17be8695aa2220"
        + "9787ff754699a4452a0b27db4387a84bb9495d1535686601315c606405fba9052a2048787a4c572482a889023b3787d7"
        + "4822f2d78d1177285fe5504100c5e380d168";

    // Newest first: the sender's state at iteration 3 with iterations 0 and 1 skipped; the other sender's at 0.
    private const string ReceiverRecordV1 =
        "080112920108c0de8ec50310031a203448592920b0c6575a40dd35640df51f6abe864becedad1a66706d17be8695aa22"
        + "209787ff754699a4452a0b27db4387a84bb9495d1535686601315c606405fba905320200013a40085199626a8e73a1f0"
        + "79aba6fba2d21791ce5f053fc68485493ca3e1beca114a9ffa760b993655c435fcd59889a8f2cd5d7b0b3bdb03475967"
        + "e4dd3b42052fab124c08d4fad5a10610001a206f6d33ea533ea6761a8ea63cfc26c29a58fba560e9d65040af4f8c1ce2"
        + "f2acb32220130b2fc2bdfc16ff0f976a09eaa17bebfbc18dc4e1621e1dd8f36b469e318342";

    private const string Message0 =
        "3308c0de8ec50310001a10c1a655fc9b9c8b61071f7a06e270d7a066e72b0858a83a73a082215c321e1a78d5e937a8b3"
        + "4e6a2fa045688a79904a3d7dea05eff6a371d19061e669499faa4fae48bd831811b6def7adccddd1561a00";

    private const string Message1 =
        "3308c0de8ec50310011a107a2e4ffffb4885d70603a055efae686ec37455def7d1f48b24aaf6a0713a57aa7bbb1dd12d"
        + "2f364d48c677f6e8ba8655bbfe0a38a2b9d7dca1358793b093e299eddb426abe548cf1249ec7f9b9476904";

    private const string Message2 =
        "3308c0de8ec50310021a10041aa46d7957fd473321821bd96e25d7e779366ef752ccf39ba5ae59e23a41c38dfc827ec4"
        + "e07492ec9acd46977ef376d6a810e49de13ce62f3dcf262ad9f9237af17010633fb5707ba9f255722b020d";

    private const string OtherMessage0 =
        "3308d4fad5a10610001a106a7be81914bc2cf18b4d077aea187932818eabc15d987e0b7de675c662ae72255cb5e9e8e1"
        + "db799d28f40eb793a01ce5f7061da7ca35947eff97307f877b71bb4a5e4489363b41990f748445133cc406";

    [Fact]
    public void A_version_1_receiver_record_still_reads_skipped_messages_and_refuses_used_ones()
    {
        var receiver = new GroupMember(SenderKeyRecord.Deserialize(Convert.FromHexString(ReceiverRecordV1)));

        Assert.Equal(2, receiver.Record.StateCount);
        Assert.Equal("fixture 1", receiver.Receive(Convert.FromHexString(Message1)));
        Assert.Equal("fixture 0", receiver.Receive(Convert.FromHexString(Message0)));
        receiver.Refuses(Convert.FromHexString(Message2), DecryptFailure.DuplicateMessage);
        Assert.Equal("fixture other 0", receiver.Receive(Convert.FromHexString(OtherMessage0)));
    }

    [Fact]
    public void A_version_1_sender_record_still_encrypts_what_a_version_1_receiver_reads()
    {
        var sender = SenderKeyRecord.Deserialize(Convert.FromHexString(SenderRecordV1));
        var receiver = SenderKeyRecord.Deserialize(Convert.FromHexString(ReceiverRecordV1));

        var distribution = GroupSessionBuilder.CreateDistribution(sender);
        Assert.Same(sender, distribution.Record);
        var message = GroupCipher.Encrypt(sender, Encoding.UTF8.GetBytes("after the upgrade"));

        var parsed = SenderKeyMessage.Parse(message.Ciphertext);
        Assert.Equal(SenderKeyId, parsed.KeyId);
        Assert.Equal(3u, parsed.Iteration);
        Assert.Equal("after the upgrade", Encoding.UTF8.GetString(GroupCipher.Decrypt(receiver, message.Ciphertext).Plaintext));
    }

    [Fact]
    public void While_the_format_is_version_1_it_writes_the_fixture_bytes_back_unchanged()
    {
        var writerVersion = SenderKeyRecordFormat.CurrentVersion;
        if (writerVersion != 1)
        {
            return; // A later format writes its own bytes; reading version 1 is what the tests above keep.
        }

        foreach (var fixture in new[] { SenderRecordV1, ReceiverRecordV1 })
        {
            var bytes = Convert.FromHexString(fixture);
            Assert.Equal(bytes, SenderKeyRecord.Deserialize(bytes).Serialize());
        }
    }
}

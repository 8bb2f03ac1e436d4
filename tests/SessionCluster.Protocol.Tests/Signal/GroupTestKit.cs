using System.Text;
using SessionCluster.Protocol.Signal;

namespace SessionCluster.Protocol.Tests.Signal;

/// <summary>A group member as the tests drive it: one record, replaced by each call's result.</summary>
internal sealed class GroupMember
{
    public GroupMember(SenderKeyRecord record)
    {
        Record = record;
    }

    public SenderKeyRecord Record { get; private set; }

    /// <summary>A sender with a fresh key, and the distribution message for it.</summary>
    public static GroupMember NewSender(out byte[] distribution)
    {
        var created = GroupSessionBuilder.CreateDistribution(SenderKeyRecord.Empty);
        distribution = created.DistributionMessage;
        return new GroupMember(created.Record);
    }

    /// <summary>A receiver that has processed <paramref name="distribution"/>.</summary>
    public static GroupMember NewReceiver(byte[] distribution) => new(GroupSessionBuilder.ProcessDistribution(SenderKeyRecord.Empty, distribution));

    public byte[] Send(string text)
    {
        var result = GroupCipher.Encrypt(Record, Encoding.UTF8.GetBytes(text));
        Record = result.Record;
        return result.Ciphertext;
    }

    public string Receive(byte[] message)
    {
        var result = GroupCipher.Decrypt(Record, message);
        Record = result.Record;
        return Encoding.UTF8.GetString(result.Plaintext);
    }

    public void Process(byte[] distribution) => Record = GroupSessionBuilder.ProcessDistribution(Record, distribution);

    /// <summary>Receiving must fail with <paramref name="failure"/> and leave the record as it was.</summary>
    public void Refuses(byte[] message, DecryptFailure failure)
    {
        var before = Record;
        var error = Assert.Throws<SignalDecryptException>(() => GroupCipher.Decrypt(Record, message));
        Assert.Equal(failure, error.Failure);
        Assert.Same(before, Record);
    }
}

/// <summary>
/// One sender's first 2,100 messages ("m0" … "m2099"), made once for the tests that need long gaps:
/// every message is an XEdDSA signature, so they are worth sharing.
/// </summary>
public sealed class LongConversation
{
    public const int Length = 2100;

    public LongConversation()
    {
        var sender = GroupMember.NewSender(out var distribution);
        Distribution = distribution;
        Messages = new byte[Length][];
        for (var i = 0; i < Length; i++)
        {
            Messages[i] = sender.Send(Text(i));
        }
    }

    public byte[] Distribution { get; }

    public byte[][] Messages { get; }

    public static string Text(int i) => $"m{i}";
}

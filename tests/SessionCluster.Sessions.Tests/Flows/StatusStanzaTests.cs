using SessionCluster.Protocol.Binary;
using SessionCluster.Sessions.Flows;

namespace SessionCluster.Sessions.Tests.Flows;

/// <summary>A status arrives and is read like a group message (docs/PROTOCOL.md §9 "Status"): from status@broadcast, by its participant.</summary>
public sealed class StatusStanzaTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_760_000_000);

    [Fact]
    public void A_status_is_a_sender_key_message_of_status_broadcast_sent_by_its_participant()
    {
        var message = InboundMessage.Parse(Status(("participant", "90000000000002:1@lid"), ("participant_pn", "15550002222@s.whatsapp.net")), Now);

        Assert.True(message.IsStatus);
        Assert.True(message.InGroup);
        Assert.Equal(Jid.Parse("90000000000002:1@lid"), message.SenderDevice);
        Assert.Equal(Jid.Parse("15550002222@s.whatsapp.net"), message.SenderPhone);
        var receipt = Receipts.Delivery(message, fromOwnAccount: false, chat: null);
        Assert.Equal(("status@broadcast", "90000000000002:1@lid"), (receipt.GetString("to"), receipt.GetString("participant")));
    }

    [Fact]
    public void A_status_without_a_participant_is_refused()
    {
        Assert.Throws<InboundStanzaException>(() => InboundMessage.Parse(Status(), Now));
    }

    [Fact]
    public void A_read_receipt_for_a_status_names_its_author()
    {
        var read = Receipts.Read(Jid.Parse("status@broadcast"), Jid.Parse("15550002222@s.whatsapp.net"), ["3EB0STATUS"], Now);

        Assert.Equal(("status@broadcast", "15550002222@s.whatsapp.net", "read"), (read.GetString("to"), read.GetString("participant"), read.GetString("type")));
    }

    private static Node Status(params NodeAttribute[] extra) => new(
        "message",
        [("from", "status@broadcast"), ("id", "3EB0STATUS"), ("t", "1760000000"), ("type", "text"), .. extra],
        [new Node("enc", [("v", "2"), ("type", "skmsg")], new byte[] { 1, 2, 3 })]);
}

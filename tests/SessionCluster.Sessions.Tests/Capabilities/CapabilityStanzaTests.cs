using SessionCluster.Protocol.Binary;
using SessionCluster.Sessions.Flows;

namespace SessionCluster.Sessions.Tests.Capabilities;

/// <summary>
/// The stanzas of presence, the contact check and call rejects, pinned to whatsmeow's shapes (presence.go, user.go,
/// call.go) and docs/PROTOCOL.md §8 and §13.
/// </summary>
public sealed class CapabilityStanzaTests
{
    private static readonly Jid Bob = Jid.Parse("15550002222@s.whatsapp.net");

    [Fact]
    public void Account_presence_is_a_presence_with_its_type_and_the_push_name_when_known()
    {
        Assert.Equal(new Node("presence", [("type", "available")]), Presence.Account(PresenceState.Available, null));
        Assert.Equal(new Node("presence", [("name", "Alice"), ("type", "unavailable")]), Presence.Account(PresenceState.Unavailable, "Alice"));
        Assert.Throws<ArgumentOutOfRangeException>(() => Presence.Account(PresenceState.Composing, null));
    }

    [Fact]
    public void Chat_states_are_chatstate_stanzas_and_recording_is_composing_with_audio_media()
    {
        Assert.Equal(new Node("chatstate", [("to", Bob.ToString())], [new Node("composing")]), Presence.ChatState(Bob, PresenceState.Composing));
        Assert.Equal(new Node("chatstate", [("to", Bob.ToString())], [new Node("composing", [("media", "audio")])]), Presence.ChatState(Bob, PresenceState.Recording));
        Assert.Equal(new Node("chatstate", [("to", Bob.ToString())], [new Node("paused")]), Presence.ChatState(Bob, PresenceState.Paused));
        Assert.Throws<ArgumentOutOfRangeException>(() => Presence.ChatState(Bob, PresenceState.Available));
    }

    [Fact]
    public void The_contact_query_is_an_interactive_usync_query_asking_contact_and_lid_for_plus_numbers()
    {
        var iq = Contacts.Query("q1", ["15550002222", "15559990000"]);

        Assert.Equal(("usync", "get", "s.whatsapp.net"), (iq.GetOptionalString("xmlns"), iq.GetOptionalString("type"), iq.GetOptionalString("to")));
        var usync = iq.GetOptionalChild("usync")!;
        Assert.Equal(("query", "interactive"), (usync.GetOptionalString("mode"), usync.GetOptionalString("context")));
        Assert.Equal(["contact", "lid"], usync.GetOptionalChild("query")!.Children.Select(c => c.Tag));
        Assert.Equal(["+15550002222", "+15559990000"], usync.GetOptionalChild("list")!.GetChildren("user").Select(u => u.GetOptionalChild("contact")!.Text));
    }

    [Fact]
    public void A_contact_answer_reads_in_users_with_jid_and_lid_out_users_without_and_a_LID_jid_with_its_pn_jid()
    {
        var result = new Node("iq", [("type", "result")],
        [
            new Node("usync", null,
            [
                new Node("list", null,
                [
                    new Node("user", [("jid", "15550002222@s.whatsapp.net")], [new Node("contact", [("type", "in")], "+15550002222"), new Node("lid", [("val", "777@lid")])]),
                    new Node("user", [("jid", "15559990000@s.whatsapp.net")], [new Node("contact", [("type", "out")], "+15559990000")]),
                    new Node("user", [("jid", "888@lid"), ("pn_jid", "15553334444@s.whatsapp.net")], [new Node("contact", [("type", "in")], "15553334444@c.us")]),
                ]),
            ]),
        ]);

        var answers = Contacts.Read(result);

        Assert.Equal(
            [
                new ContactAnswer("15550002222", true, Bob, Jid.Parse("777@lid")),
                new ContactAnswer("15559990000", false, null, null),
                new ContactAnswer("15553334444", true, Jid.Parse("15553334444@s.whatsapp.net"), Jid.Parse("888@lid")),
            ],
            answers);
        Assert.Throws<FormatException>(() => Contacts.Read(new Node("iq", [("type", "result")])));
    }

    [Fact]
    public void A_call_offer_is_read_and_rejected_as_whatsmeow_does_and_other_call_stanzas_are_not_offers()
    {
        var offer = new Node("call", [("from", "15550002222@s.whatsapp.net"), ("id", "S1"), ("t", "1")],
            [new Node("offer", [("call-id", "CALL1"), ("call-creator", "15550002222:0@s.whatsapp.net")], [new Node("audio", [("enc", "opus")])])]);

        var read = Calls.ReadOffer(offer);

        Assert.Equal(new CallOffer("CALL1", Bob), read);
        Assert.Equal(
            new Node("call", [("id", "R1"), ("from", "15550001111@s.whatsapp.net"), ("to", Bob.ToString())],
                [new Node("reject", [("call-id", "CALL1"), ("call-creator", Bob.ToString()), ("count", "0")])]),
            Calls.Reject("R1", Jid.Parse("15550001111:3@s.whatsapp.net"), read!));
        Assert.Null(Calls.ReadOffer(new Node("call", [("from", Bob.ToString())], [new Node("terminate", [("call-id", "CALL1")])])));
        Assert.Null(Calls.ReadOffer(new Node("call", [("from", Bob.ToString())], [new Node("offer")])));
    }
}

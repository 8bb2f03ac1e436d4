using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Messages;
using SessionCluster.Protocol.Signal;
using SessionCluster.Protocol.Wa.E2E;
using SessionCluster.Sessions.Content;
using SessionCluster.Sessions.Flows;

namespace SessionCluster.Sessions.Tests.Capabilities;

/// <summary>
/// The content builders (docs/PROTOCOL.md §9 "Replies and mentions", "Edits and revokes", "Locations, contacts and
/// polls") and the stanza attributes each one's message gets: edit="1"/"7" on the stanza, a poll's meta node.
/// </summary>
public sealed class ContentBuilderTests
{
    private const string Chat = "15550002222@s.whatsapp.net";
    private static readonly Jid Bob = Jid.Parse(Chat);
    private static readonly Jid BobPhone = Jid.Parse("15550002222:0@s.whatsapp.net");
    private static readonly CiphertextMessage Ciphertext = new(CiphertextType.Whisper, [1, 2, 3]);

    [Fact]
    public void A_reply_to_a_text_becomes_an_extended_text_naming_the_quoted_id_sender_and_text()
    {
        var context = Replies.Context("3EB0QUOTED", "15550001111@s.whatsapp.net", "the original", []);

        var reply = Replies.With(new Message { Conversation = "my answer" }, context);

        Assert.False(reply.HasConversation);
        Assert.Equal("my answer", reply.ExtendedTextMessage.Text);
        var info = reply.ExtendedTextMessage.ContextInfo;
        Assert.Equal(("3EB0QUOTED", "15550001111@s.whatsapp.net", "the original"), (info.StanzaID, info.Participant, info.QuotedMessage.Conversation));
        Assert.Empty(info.MentionedJID);
    }

    [Fact]
    public void Mentions_without_a_reply_carry_only_the_mentioned_jids_and_a_quote_of_unknown_text_has_no_copy()
    {
        var mentions = Replies.Context(null, null, null, [Chat]);
        var unknownQuote = Replies.Context("3EB0QUOTED", Chat, null, []);

        Assert.Equal([Chat], mentions!.MentionedJID);
        Assert.False(mentions.HasStanzaID);
        Assert.Null(unknownQuote!.QuotedMessage);
        Assert.Null(Replies.Context(null, null, null, []));
    }

    [Fact]
    public void A_reply_rides_on_the_content_itself_for_images_locations_contacts_and_polls()
    {
        var context = Replies.Context("3EB0QUOTED", Chat, "q", [])!;

        Assert.Equal("3EB0QUOTED", Replies.With(new Message { ImageMessage = new ImageMessage { Caption = "c" } }, context).ImageMessage.ContextInfo.StanzaID);
        Assert.Equal("3EB0QUOTED", Replies.With(SharedContent.Location(1, 2, null, null), context).LocationMessage.ContextInfo.StanzaID);
        Assert.Equal("3EB0QUOTED", Replies.With(SharedContent.Contacts([new ContactCard("A", "BEGIN:VCARD\nEND:VCARD")]), context).ContactMessage.ContextInfo.StanzaID);
        Assert.Equal("3EB0QUOTED", Replies.With(SharedContent.Poll("q?", ["a", "b"], 1, new byte[32]), context).PollCreationMessageV3.ContextInfo.StanzaID);
        Assert.Throws<ArgumentException>(() => Replies.With(Reactions.For(Chat, "3EB0", false, "👍", DateTimeOffset.UnixEpoch), context));
    }

    [Theory]
    [InlineData("15550001111:7@s.whatsapp.net", "15550001111@s.whatsapp.net")]
    [InlineData("15550001111@s.whatsapp.net", "15550001111@s.whatsapp.net")]
    [InlineData("99887766:2@lid", "99887766@lid")]
    public void A_quotes_participant_is_the_user_without_its_device(string jid, string user) => Assert.Equal(user, Replies.UserOf(jid));

    [Fact]
    public void An_edit_names_our_message_and_carries_the_new_text_and_its_stanza_says_edit_1()
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_456);

        var edit = MessageActions.Edit(Chat, "3EB0ORIGINAL", "fixed", at);

        var protocol = edit.EditedMessage.Message.ProtocolMessage;
        Assert.Equal(ProtocolMessage.Types.Type.MessageEdit, protocol.Type);
        Assert.Equal((Chat, true, "3EB0ORIGINAL"), (protocol.Key.RemoteJID, protocol.Key.FromMe, protocol.Key.ID));
        Assert.Equal(("fixed", 1_700_000_000_456L), (protocol.EditedMessage.Conversation, protocol.TimestampMS));
        var stanza = OutboundStanzas.Message("3EB0EDIT", Bob, StanzaKind.Of(edit), [(BobPhone, Ciphertext)], null);
        Assert.Equal(("text", "1"), (stanza.GetOptionalString("type"), stanza.GetOptionalString("edit")));
        Assert.Equal(new Node("enc", [("v", "2"), ("type", "msg")], Ciphertext.Serialized), stanza.GetOptionalChild("participants")!.Children.Single().GetOptionalChild("enc"));
    }

    [Fact]
    public void A_revoke_names_our_message_and_its_stanza_and_resend_say_edit_7()
    {
        var revoke = MessageActions.Revoke(Chat, "3EB0ORIGINAL");

        Assert.Equal(ProtocolMessage.Types.Type.Revoke, revoke.ProtocolMessage.Type);
        Assert.Equal((Chat, true, "3EB0ORIGINAL"), (revoke.ProtocolMessage.Key.RemoteJID, revoke.ProtocolMessage.Key.FromMe, revoke.ProtocolMessage.Key.ID));
        var kind = StanzaKind.Of(revoke);
        Assert.Equal("7", OutboundStanzas.Message("3EB0REV", Bob, kind, [(BobPhone, Ciphertext)], null).GetOptionalString("edit"));
        Assert.Equal("7", OutboundStanzas.Resend("3EB0REV", BobPhone, kind, Ciphertext, 1, null).GetOptionalString("edit"));
    }

    [Fact]
    public void A_plain_text_stanza_has_no_edit_attribute_and_no_meta()
    {
        var stanza = OutboundStanzas.Message("3EB0AA", Bob, StanzaKind.Of(new Message { Conversation = "hi" }), [(BobPhone, Ciphertext)], null);

        Assert.Null(stanza.GetOptionalString("edit"));
        Assert.Null(stanza.GetOptionalChild("meta"));
    }

    [Fact]
    public void A_single_choice_poll_is_V3_with_its_secret_and_its_stanza_is_type_poll_with_meta_polltype_creation()
    {
        var secret = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

        var poll = SharedContent.Poll("Lunch?", ["pizza", "sushi", "salad"], 1, secret);

        Assert.Null(poll.PollCreationMessage);
        Assert.Equal("Lunch?", poll.PollCreationMessageV3.Name);
        Assert.Equal(["pizza", "sushi", "salad"], poll.PollCreationMessageV3.Options.Select(o => o.OptionName));
        Assert.Equal(1u, poll.PollCreationMessageV3.SelectableOptionsCount);
        Assert.Equal(secret, poll.MessageContextInfo.MessageSecret.ToByteArray());
        var stanza = OutboundStanzas.Message("3EB0POLL", Bob, StanzaKind.Of(poll), [(BobPhone, Ciphertext)], null);
        Assert.Equal("poll", stanza.GetOptionalString("type"));
        Assert.Equal(new Node("meta", [("polltype", "creation")]), stanza.GetOptionalChild("meta"));
        var resend = OutboundStanzas.Resend("3EB0POLL", BobPhone, StanzaKind.Of(poll), Ciphertext, 2, null);
        Assert.Equal(new Node("meta", [("polltype", "creation")]), resend.GetOptionalChild("meta"));
    }

    [Fact]
    public void A_multiple_choice_poll_is_the_original_pollCreationMessage_and_fresh_secrets_differ()
    {
        var poll = SharedContent.Poll("Days?", ["mon", "tue", "wed"], 2, SharedContent.NewPollSecret());

        Assert.Null(poll.PollCreationMessageV3);
        Assert.Equal(2u, poll.PollCreationMessage.SelectableOptionsCount);
        Assert.Equal(SharedContent.PollSecretLength, poll.MessageContextInfo.MessageSecret.Length);
        Assert.NotEqual(SharedContent.NewPollSecret(), SharedContent.NewPollSecret());
    }

    [Fact]
    public void Polls_with_too_few_too_many_or_repeated_options_a_bad_count_or_a_short_secret_are_refused()
    {
        var secret = new byte[32];
        Assert.Throws<ArgumentException>(() => SharedContent.Poll("q", ["only"], 1, secret));
        Assert.Throws<ArgumentException>(() => SharedContent.Poll("q", [.. Enumerable.Range(0, 13).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))], 1, secret));
        Assert.Throws<ArgumentException>(() => SharedContent.Poll("q", ["a", "a"], 1, secret));
        Assert.Throws<ArgumentOutOfRangeException>(() => SharedContent.Poll("q", ["a", "b"], 3, secret));
        Assert.Throws<ArgumentOutOfRangeException>(() => SharedContent.Poll("q", ["a", "b"], 0, secret));
        Assert.Throws<ArgumentException>(() => SharedContent.Poll("q", ["a", "b"], 1, new byte[16]));
    }

    [Fact]
    public void A_location_keeps_its_degrees_name_and_address_and_refuses_impossible_coordinates()
    {
        var location = SharedContent.Location(52.52, 13.405, "Office", "Alexanderplatz 1").LocationMessage;

        Assert.Equal((52.52, 13.405, "Office", "Alexanderplatz 1"), (location.DegreesLatitude, location.DegreesLongitude, location.Name, location.Address));
        Assert.False(SharedContent.Location(0, 0, null, "").LocationMessage.HasAddress);
        Assert.Throws<ArgumentOutOfRangeException>(() => SharedContent.Location(91, 0, null, null));
        Assert.Throws<ArgumentOutOfRangeException>(() => SharedContent.Location(0, double.NaN, null, null));
    }

    [Fact]
    public void One_card_is_a_contactMessage_and_several_a_contactsArrayMessage()
    {
        var one = SharedContent.Contacts([new ContactCard("Ann", "BEGIN:VCARD\nFN:Ann\nEND:VCARD")]);
        var two = SharedContent.Contacts([new ContactCard("Ann", "BEGIN:VCARD\nEND:VCARD"), new ContactCard("Bo", "BEGIN:VCARD\nEND:VCARD")]);

        Assert.Equal(("Ann", "BEGIN:VCARD\nFN:Ann\nEND:VCARD"), (one.ContactMessage.DisplayName, one.ContactMessage.Vcard));
        Assert.Equal("2 contacts", two.ContactsArrayMessage.DisplayName);
        Assert.Equal(["Ann", "Bo"], two.ContactsArrayMessage.Contacts.Select(c => c.DisplayName));
        Assert.Throws<ArgumentException>(() => SharedContent.Contacts([]));
    }

    [Fact]
    public void A_vcard_escapes_the_name_and_gives_each_number_its_waid()
    {
        var vcard = SharedContent.VCard("Doe; Jane, Dr.", ["+1 (555) 000-2222", "ext"]);

        Assert.Equal("BEGIN:VCARD\nVERSION:3.0\nN:;Doe\\; Jane\\, Dr.;;;\nFN:Doe\\; Jane\\, Dr.\nTEL;type=CELL;waid=15550002222:+15550002222\nTEL:ext\nEND:VCARD", vcard);
    }
}

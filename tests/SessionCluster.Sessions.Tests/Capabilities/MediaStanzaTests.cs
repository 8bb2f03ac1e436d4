using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Messages;
using SessionCluster.Protocol.Signal;
using SessionCluster.Protocol.Wa.E2E;
using SessionCluster.Sessions.Flows;

namespace SessionCluster.Sessions.Tests.Capabilities;

/// <summary>
/// The stanzas of media and reactions (docs/PROTOCOL.md §9 and §12): the message's type and its encs' mediatype and
/// decrypt-fail follow the content, on the first send and on a resend; media_conn's query and answer.
/// </summary>
public sealed class MediaStanzaTests
{
    private static readonly Jid Bob = Jid.Parse("15550002222@s.whatsapp.net");
    private static readonly Jid BobPhone = Jid.Parse("15550002222:0@s.whatsapp.net");
    private static readonly CiphertextMessage Ciphertext = new(CiphertextType.Whisper, [1, 2, 3]);

    [Fact]
    public void An_image_goes_as_a_media_stanza_with_mediatype_image_on_every_enc()
    {
        var kind = StanzaKind.Of(new Message { ImageMessage = new ImageMessage() });

        var stanza = OutboundStanzas.Message("3EB0AA", Bob, kind, [(BobPhone, Ciphertext), (Jid.Parse("15550002222:3@s.whatsapp.net"), Ciphertext)], null);

        Assert.Equal("media", stanza.GetOptionalString("type"));
        var encs = stanza.GetOptionalChild("participants")!.Children.Select(to => to.GetOptionalChild("enc")!).ToList();
        Assert.Equal(2, encs.Count);
        Assert.All(encs, enc => Assert.Equal(new Node("enc", [("v", "2"), ("type", "msg"), ("mediatype", "image")], Ciphertext.Serialized), enc));
    }

    [Fact]
    public void A_reaction_goes_as_a_reaction_stanza_whose_encs_hide_a_decrypt_failure_and_so_does_its_resend()
    {
        var kind = StanzaKind.Of(Reactions.For(Bob.ToString(), "3EB0BB", fromMe: false, "👍", DateTimeOffset.UnixEpoch));

        var stanza = OutboundStanzas.Message("3EB0AA", Bob, kind, [(BobPhone, Ciphertext)], null);
        var resend = OutboundStanzas.Resend("3EB0AA", BobPhone, kind, Ciphertext, 1, null);

        Assert.Equal("reaction", stanza.GetOptionalString("type"));
        Assert.Equal(new Node("enc", [("v", "2"), ("type", "msg"), ("decrypt-fail", "hide")], Ciphertext.Serialized),
            stanza.GetOptionalChild("participants")!.Children.Single().GetOptionalChild("enc"));
        Assert.Equal("reaction", resend.GetOptionalString("type"));
        Assert.Equal(new Node("enc", [("v", "2"), ("type", "msg"), ("count", "1"), ("decrypt-fail", "hide")], Ciphertext.Serialized), resend.GetOptionalChild("enc"));
    }

    [Fact]
    public void A_text_stanza_has_no_media_or_decrypt_fail_attributes()
    {
        var stanza = OutboundStanzas.Message("3EB0AA", Bob, StanzaKind.Of(new Message { Conversation = "hi" }), [(BobPhone, Ciphertext)], null);

        Assert.Equal("text", stanza.GetOptionalString("type"));
        Assert.Equal(new Node("enc", [("v", "2"), ("type", "msg")], Ciphertext.Serialized), stanza.GetOptionalChild("participants")!.Children.Single().GetOptionalChild("enc"));
    }

    [Fact]
    public void A_reaction_names_its_target_by_chat_sender_side_and_id()
    {
        var reaction = Reactions.For(Bob.ToString(), "3EB0BB", fromMe: true, "❤️", DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123)).ReactionMessage;

        Assert.Equal((Bob.ToString(), true, "3EB0BB"), (reaction.Key.RemoteJID, reaction.Key.FromMe, reaction.Key.ID));
        Assert.Equal("❤️", reaction.Text);
        Assert.Equal(1_700_000_000_123, reaction.SenderTimestampMS);
    }

    [Fact]
    public void Media_conn_is_a_w_m_set_query_and_its_answer_gives_auth_hosts_and_expiry()
    {
        Assert.Equal(new Node("iq", [("id", "m1"), ("xmlns", "w:m"), ("type", "set"), ("to", "s.whatsapp.net")], [new Node("media_conn")]), MediaConnections.Query("m1"));
        var now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        var result = new Node("iq", [("type", "result")],
        [
            new Node("media_conn", [("auth", "AUTH"), ("ttl", "300"), ("auth_ttl", "21600"), ("max_buckets", "12")],
                [new Node("host", [("hostname", "mmg.whatsapp.net")]), new Node("host", [("hostname", "media-fra5-1.cdn.whatsapp.net")])]),
        ]);

        var connection = MediaConnections.Read(result, now);

        Assert.Equal("AUTH", connection.Auth);
        Assert.Equal(["mmg.whatsapp.net", "media-fra5-1.cdn.whatsapp.net"], connection.Hosts);
        Assert.Equal(now.AddSeconds(300), connection.ExpiresAt);
    }

    [Theory]
    [InlineData("no media_conn", false, "AUTH", "300", true)]
    [InlineData("no auth", true, null, "300", true)]
    [InlineData("no ttl", true, "AUTH", null, true)]
    [InlineData("zero ttl", true, "AUTH", "0", true)]
    [InlineData("no host", true, "AUTH", "300", false)]
    public void A_media_conn_answer_without_what_an_upload_needs_is_a_format_error(string name, bool conn, string? auth, string? ttl, bool host)
    {
        _ = name;
        List<NodeAttribute> attributes = [];
        if (auth is not null)
        {
            attributes.Add(("auth", auth));
        }

        if (ttl is not null)
        {
            attributes.Add(("ttl", ttl));
        }

        List<Node> children = conn ? [new Node("media_conn", attributes, host ? [new Node("host", [("hostname", "mmg.whatsapp.net")])] : [])] : [];

        Assert.Throws<FormatException>(() => MediaConnections.Read(new Node("iq", [("type", "result")], children), DateTimeOffset.UnixEpoch));
    }

    [Fact]
    public void A_group_stanza_carries_the_same_edit_mediatype_and_poll_meta_as_a_one_to_one_stanza()
    {
        var group = Jid.Parse("120363000000000001@g.us");
        var edit = StanzaKind.Of(Content.MessageActions.Edit(group.ToString(), "3EB0BB", "fixed", DateTimeOffset.UnixEpoch));
        var poll = StanzaKind.Of(Content.SharedContent.Poll("Lunch?", ["pizza", "salad"], 1, new byte[32]));
        var image = StanzaKind.Of(new Message { ImageMessage = new ImageMessage() });

        var edited = GroupStanzas.Message("3EB0AA", group, edit, [(BobPhone, Ciphertext)], [9, 9], null);
        var polled = GroupStanzas.Message("3EB0AB", group, poll, [], [9, 9], null);
        var pictured = GroupStanzas.Message("3EB0AC", group, image, [], [9, 9], null);
        var resent = GroupStanzas.Resend("3EB0AA", group, BobPhone, edit, Ciphertext, 2, null);

        Assert.Equal(StanzaKind.MessageEdit, edited.GetOptionalString("edit"));
        Assert.Equal(StanzaKind.MessageEdit, resent.GetOptionalString("edit"));
        Assert.Equal("creation", polled.GetOptionalChild("meta")?.GetOptionalString("polltype"));
        Assert.Equal(("skmsg", "image"), (pictured.GetOptionalChild("enc")!.GetOptionalString("type"), pictured.GetOptionalChild("enc")!.GetOptionalString("mediatype")));
        Assert.Null(pictured.GetOptionalChild("participants"));
    }
}

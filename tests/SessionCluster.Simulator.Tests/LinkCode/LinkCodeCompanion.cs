using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Pairing;
using SessionCluster.Simulator.Tests.Support;

namespace SessionCluster.Simulator.Tests.LinkCode;

/// <summary>
/// A registering <see cref="TestDevice"/> linking by code as docs/PROTOCOL.md §6 describes the companion (hello, then the finish
/// answering the phone's notification, then pair-success with the derived ADV secret), on <see cref="LinkCodeCompanionPairing"/>
/// and <see cref="CompanionPairSuccess"/>.
/// </summary>
internal sealed class LinkCodeCompanion(TestDevice device, string phone, string code)
{
    private readonly LinkCodeCompanionHello _hello = LinkCodeCompanionPairing.Hello(code);

    public byte[]? AdvSecret { get; private set; }

    public Node Hello(string id, ReadOnlyMemory<byte>? noiseKey = null) => new(
        "iq",
        [("to", "s.whatsapp.net"), ("type", "set"), ("id", id), ("xmlns", "md")],
        [new Node("link_code_companion_reg", [("jid", phone + "@s.whatsapp.net"), ("stage", "companion_hello"), ("should_show_push_notification", "true")],
        [
            new Node("link_code_pairing_wrapped_companion_ephemeral_pub", null, _hello.WrappedEphemeral),
            new Node("companion_server_auth_key_pub", null, noiseKey ?? device.Noise.PublicKey),
            new Node("companion_platform_id", null, "1"),
            new Node("companion_platform_display", null, "Chrome (Linux)"),
            new Node("link_code_pairing_nonce", null, "0"),
        ])]);

    /// <summary>The companion_finish answering the phone's <c>&lt;notification type="link_code_companion_reg"&gt;</c>.</summary>
    public Node Finish(string id, Node notification)
    {
        var reg = notification.GetChild("link_code_companion_reg");
        var reference = reg.GetChild("link_code_pairing_ref").Bytes;
        var finish = LinkCodeCompanionPairing.Finish(
            _hello,
            device.Identity,
            reg.GetChild("link_code_pairing_wrapped_primary_ephemeral_pub").Bytes.Span,
            reg.GetChild("primary_identity_pub").Bytes.Span);
        AdvSecret = finish.AdvSecret.ToArray();
        return new Node(
            "iq",
            [("to", "s.whatsapp.net"), ("type", "set"), ("id", id), ("xmlns", "md")],
            [new Node("link_code_companion_reg", [("jid", phone + "@s.whatsapp.net"), ("stage", "companion_finish")],
            [
                new Node("link_code_pairing_wrapped_key_bundle", null, finish.WrappedKeyBundle),
                new Node("companion_identity_public", null, device.Identity.PublicKey),
                new Node("link_code_pairing_ref", null, reference),
            ])]);
    }

    /// <summary>A genuine answer to pair-success, checking the HMAC under the ADV secret derived in <see cref="Finish"/>.</summary>
    public Node AnswerPairSuccess(Node pairSuccessIq)
    {
        Assert.NotNull(AdvSecret);
        var identity = pairSuccessIq.GetChild("pair-success").GetChild("device-identity").Bytes;
        var accepted = CompanionPairSuccess.Accept(identity.Span, AdvSecret, device.Identity);
        return CompanionPairSuccess.BuildReply(pairSuccessIq.GetString("id"), accepted);
    }
}

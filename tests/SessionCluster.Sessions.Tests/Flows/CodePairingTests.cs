using System.Security.Cryptography;
using System.Text;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Pairing;
using SessionCluster.Sessions.Flows;
using SessionCluster.Sessions.State;
using SessionCluster.Sessions.Tests.Support;

namespace SessionCluster.Sessions.Tests.Flows;

/// <summary>
/// The pure part of linking by code with crafted stanzas, the phone played by <see cref="LinkCodePairing"/>: the hello, the
/// server's answers, the phone's notification answered with companion_finish, and pair-success under the derived ADV secret.
/// </summary>
public sealed class CodePairingTests
{
    private const string Phone = "15550001111";
    private static readonly byte[] Ref = Encoding.ASCII.GetBytes("2@pairing-ref");

    private readonly Registration _registration = Registration.Generate(RandomNumberGenerator.Create(), TimeProvider.System);
    private readonly SessionOptions _options = new("SessionCluster", "Chrome", onlineOnConnect: true);

    [Fact]
    public void The_hello_carries_the_code_wrapped_ephemeral_the_noise_key_and_the_platform_and_its_code_and_key_come_from_the_given_random()
    {
        var random = new RecordingRandom();

        var hello = CodePairing.Hello(_registration, _options, Phone, "h1", random);

        Assert.Equal(("iq", "set", "md", "h1"), (hello.Iq.Tag, hello.Iq.GetString("type"), hello.Iq.GetString("xmlns"), hello.Iq.GetString("id")));
        var reg = hello.Iq.GetChild(CodePairing.Tag);
        Assert.Equal(("15550001111@s.whatsapp.net", "companion_hello"), (reg.GetString("jid"), reg.GetString("stage")));
        Assert.Equal(_registration.NoiseKey.PublicKey.ToArray(), reg.GetChild("companion_server_auth_key_pub").Bytes.ToArray());
        Assert.Equal("1", reg.GetChild("companion_platform_id").Text);
        Assert.Equal("Chrome (Linux)", reg.GetChild("companion_platform_display").Text);
        var wrapped = reg.GetChild("link_code_pairing_wrapped_companion_ephemeral_pub").Bytes;
        Assert.Equal(PairingCode.WrappedKeyLength, wrapped.Length);
        // The phone, given the code, unwraps our ephemeral public key.
        Assert.Equal(hello.Exchange.Ephemeral.PublicKey.ToArray(), PairingCode.UnwrapEphemeral(hello.Code, wrapped.Span));
        Assert.Contains(random.Draws, d => d.Length == 5 && PairingCode.Encode(d) == hello.Code);
        Assert.Contains(random.Draws, d => d.Length == Curve25519.KeySize && Curve25519.FromPrivateKey(d).PublicKey.Span.SequenceEqual(hello.Exchange.Ephemeral.PublicKey.Span));
        Assert.DoesNotContain(hello.Code, hello.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_servers_answer_gives_the_ref_an_error_is_HelloRefused_a_result_without_ref_is_malformed_and_other_stanzas_are_not_the_answer()
    {
        var hello = CodePairing.Hello(_registration, _options, Phone, "h1", RandomNumberGenerator.Create());

        var answered = Assert.IsType<HelloAnswered>(CodePairing.ReadHelloAnswer(RefAnswer("h1", new Node("link_code_pairing_ref", null, Ref)), hello));
        Assert.Equal(Ref, answered.PairingRef.ToArray());
        Assert.Equal(LinkFailure.HelloRefused, Assert.IsType<CodeStepFailed>(CodePairing.ReadHelloAnswer(ErrorIq("h1", "404", "item-not-found"), hello)).Failure);
        Assert.Equal(LinkFailure.MalformedCodeExchange, Assert.IsType<CodeStepFailed>(CodePairing.ReadHelloAnswer(RefAnswer("h1", new Node("something_else")), hello)).Failure);
        Assert.Equal(LinkFailure.MalformedCodeExchange, Assert.IsType<CodeStepFailed>(CodePairing.ReadHelloAnswer(RefAnswer("h1", new Node("link_code_pairing_ref")), hello)).Failure);
        Assert.Null(CodePairing.ReadHelloAnswer(RefAnswer("other", new Node("link_code_pairing_ref", null, Ref)), hello));
        Assert.Null(CodePairing.ReadHelloAnswer(new Node("iq", [("type", "set"), ("id", "h1")], [new Node("pair-device")]), hello));
    }

    [Fact]
    public void The_phones_notification_is_answered_with_a_finish_the_phone_accepts_and_both_sides_derive_the_same_ADV_secret()
    {
        var account = AccountIdentity.Generate();
        var hello = CodePairing.Hello(_registration, _options, Phone, "h1", RandomNumberGenerator.Create());
        var primary = LinkCodePairing.AnswerCompanionHello(account, hello.Code, hello.Exchange.WrappedEphemeral.Span);

        var ready = Assert.IsType<FinishReady>(CodePairing.AnswerPrimaryHello(Notification(primary.WrappedPrimaryEphemeral, primary.PrimaryIdentityPublicKey), hello, Ref, _registration, "f1", RandomNumberGenerator.Create()));

        Assert.Equal(("iq", "set", "md", "f1"), (ready.Iq.Tag, ready.Iq.GetString("type"), ready.Iq.GetString("xmlns"), ready.Iq.GetString("id")));
        var reg = ready.Iq.GetChild(CodePairing.Tag);
        Assert.Equal(("15550001111@s.whatsapp.net", "companion_finish"), (reg.GetString("jid"), reg.GetString("stage")));
        Assert.Equal(Ref, reg.GetChild("link_code_pairing_ref").Bytes.ToArray());
        var result = LinkCodePairing.Finish(account, primary, reg.GetChild("link_code_pairing_wrapped_key_bundle").Bytes.Span, reg.GetChild("companion_identity_public").Bytes.Span);
        Assert.Equal(_registration.IdentityKey.PublicKey.ToArray(), result.CompanionIdentityPublicKey.ToArray());
        Assert.Equal(result.AdvSecret.ToArray(), ready.AdvSecret.ToArray());
        Assert.NotEqual(_registration.AdvSecretKey.ToArray(), ready.AdvSecret.ToArray());
        Assert.Equal(("ack", "n1", "notification", CodePairing.Tag), (ready.Ack.Tag, ready.Ack.GetString("id"), ready.Ack.GetString("class"), ready.Ack.GetString("type")));
        Assert.DoesNotContain(Convert.ToHexStringLower(ready.AdvSecret.Span), ready.ToString(), StringComparison.Ordinal);

        // pair-success is HMACed under the derived secret: accepted with it, refused under the registration's own.
        var issued = PairSuccess.IssueDeviceIdentity(account, _registration.IdentityKey.PublicKey.Span, result.AdvSecret.Span, 3, DateTimeOffset.UtcNow);
        var pairSuccess = QrPairingTests.PairSuccessIq(issued);
        Assert.IsType<PairSuccessAccepted>(QrPairing.AcceptPairSuccess(pairSuccess, _registration with { AdvSecretKey = ready.AdvSecret }));
        Assert.Equal(LinkFailure.HmacMismatch, Assert.IsType<PairSuccessRefused>(QrPairing.AcceptPairSuccess(pairSuccess, _registration)).Failure);
    }

    [Fact]
    public void A_phone_given_another_code_cannot_open_the_finish_bundle()
    {
        var account = AccountIdentity.Generate();
        var hello = CodePairing.Hello(_registration, _options, Phone, "h1", RandomNumberGenerator.Create());
        var wrongCode = (hello.Code[0] == '1' ? "2" : "1") + hello.Code[1..];
        var primary = LinkCodePairing.AnswerCompanionHello(account, wrongCode, hello.Exchange.WrappedEphemeral.Span);

        var ready = Assert.IsType<FinishReady>(CodePairing.AnswerPrimaryHello(Notification(primary.WrappedPrimaryEphemeral, primary.PrimaryIdentityPublicKey), hello, Ref, _registration, "f1", RandomNumberGenerator.Create()));

        var reg = ready.Iq.GetChild(CodePairing.Tag);
        var e = Assert.Throws<PairingCodeException>(() => LinkCodePairing.Finish(account, primary, reg.GetChild("link_code_pairing_wrapped_key_bundle").Bytes.Span, reg.GetChild("companion_identity_public").Bytes.Span));
        Assert.Equal(PairingCodeFailure.KeyBundleDecryptionFailed, e.Failure);
    }

    [Fact]
    public void A_notification_for_another_ref_is_ignored_and_a_malformed_one_is_a_typed_failure_with_no_finish()
    {
        var hello = CodePairing.Hello(_registration, _options, Phone, "h1", RandomNumberGenerator.Create());
        var wrapped = new byte[PairingCode.WrappedKeyLength];
        var identity = Curve25519.GenerateKeyPair().PublicKey;

        Assert.IsType<CodeStepIgnored>(Answer(Notification(Encoding.ASCII.GetBytes("2@other"), wrapped, identity)));
        Assert.Equal(LinkFailure.MalformedCodeExchange, Failure(Notification(null, wrapped, identity)));
        Assert.Equal(LinkFailure.MalformedCodeExchange, Failure(Notification(null, identity)));
        Assert.Equal(LinkFailure.MalformedCodeExchange, Failure(Notification(wrapped, null)));
        Assert.Equal(LinkFailure.MalformedCodeExchange, Failure(Notification(new byte[PairingCode.WrappedKeyLength - 1], identity)));
        Assert.Equal(LinkFailure.MalformedCodeExchange, Failure(Notification(wrapped, new byte[31])));
        Assert.Equal(LinkFailure.MalformedCodeExchange, Failure(new Node("notification", [("id", "n1"), ("type", CodePairing.Tag)])));

        CodeStepOutcome Answer(Node notification) => CodePairing.AnswerPrimaryHello(notification, hello, Ref, _registration, "f1", RandomNumberGenerator.Create());
        LinkFailure Failure(Node notification) => Assert.IsType<CodeStepFailed>(Answer(notification)).Failure;
    }

    [Fact]
    public void The_finish_answer_is_accepted_on_a_result_refused_CodeRefused_on_an_error_and_other_stanzas_are_not_it()
    {
        Assert.IsType<FinishAccepted>(CodePairing.ReadFinishAnswer(new Node("iq", [("from", "s.whatsapp.net"), ("type", "result"), ("id", "f1")]), "f1"));
        var refused = Assert.IsType<CodeStepFailed>(CodePairing.ReadFinishAnswer(ErrorIq("f1", "401", "not-authorized"), "f1"));
        Assert.Equal(LinkFailure.CodeRefused, refused.Failure);
        Assert.Contains("401", refused.Detail, StringComparison.Ordinal);
        Assert.Equal(LinkFailure.MalformedCodeExchange, Assert.IsType<CodeStepFailed>(CodePairing.ReadFinishAnswer(new Node("iq", [("id", "f1")]), "f1")).Failure);
        Assert.Null(CodePairing.ReadFinishAnswer(new Node("iq", [("type", "result"), ("id", "f2")]), "f1"));
        Assert.Null(CodePairing.ReadFinishAnswer(new Node("notification", [("id", "f1")]), "f1"));
    }

    [Theory]
    [InlineData("15550001111", "15550001111")]
    [InlineData("+1 555-000-1111", "15550001111")]
    [InlineData("+44 (20) 7946.0958", "442079460958")]
    [InlineData("1234567", "1234567")]
    [InlineData("123456789012345", "123456789012345")]
    [InlineData("", null)]
    [InlineData("   ", null)]
    [InlineData(null, null)]
    [InlineData("123456", null)]
    [InlineData("1234567890123456", null)]
    [InlineData("0155500011", null)]
    [InlineData("1555+0001111", null)]
    [InlineData("1555000111x", null)]
    [InlineData("١٥٥٥٠٠٠١١١١", null)]
    public void A_phone_number_is_its_digits_when_it_is_in_international_form(string? phoneNumber, string? digits) =>
        Assert.Equal(digits, CodePairing.NormalizePhoneNumber(phoneNumber));

    [Theory]
    [InlineData("Chrome", "1", "Chrome (Linux)")]
    [InlineData("firefox", "3", "Firefox (Linux)")]
    [InlineData("Catalina", "0", "Chrome (Linux)")]
    [InlineData("NoSuchPlatform", "0", "Chrome (Linux)")]
    public void The_platform_id_is_whatsmeows_client_type_and_the_display_a_common_browser(string platform, string id, string display)
    {
        Assert.Equal(id, CodePairing.PlatformId(platform));
        Assert.Equal(display, CodePairing.PlatformDisplay(platform));
    }

    private static Node RefAnswer(string id, Node child) =>
        new("iq", [("from", "s.whatsapp.net"), ("type", "result"), ("id", id)], [new Node(CodePairing.Tag, null, [child])]);

    private static Node ErrorIq(string id, string code, string text) =>
        new("iq", [("from", "s.whatsapp.net"), ("type", "error"), ("id", id)], [new Node("error", [("code", code), ("text", text)])]);

    private static Node Notification(ReadOnlyMemory<byte>? wrappedPrimaryEphemeral, ReadOnlyMemory<byte>? primaryIdentity) =>
        Notification(Ref, wrappedPrimaryEphemeral, primaryIdentity);

    /// <summary>The phone's notification with each child only when given.</summary>
    private static Node Notification(byte[]? reference, ReadOnlyMemory<byte>? wrappedPrimaryEphemeral, ReadOnlyMemory<byte>? primaryIdentity)
    {
        var children = new List<Node>();
        if (reference is not null)
        {
            children.Add(new Node("link_code_pairing_ref", null, reference));
        }

        if (wrappedPrimaryEphemeral is { } wrapped)
        {
            children.Add(new Node("link_code_pairing_wrapped_primary_ephemeral_pub", null, wrapped));
        }

        if (primaryIdentity is { } identity)
        {
            children.Add(new Node("primary_identity_pub", null, identity));
        }

        return new Node("notification", [("from", "s.whatsapp.net"), ("id", "n1"), ("type", CodePairing.Tag)], [new Node(CodePairing.Tag, null, children)]);
    }
}

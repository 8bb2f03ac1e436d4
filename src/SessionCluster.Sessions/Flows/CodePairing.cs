using System.Security.Cryptography;
using System.Text;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Pairing;
using SessionCluster.Sessions.State;

namespace SessionCluster.Sessions.Flows;

/// <summary>
/// Linking by pairing code (docs/PROTOCOL.md §6 "Pairing by phone-number code"), the companion's pure part: the
/// <c>companion_hello</c> iq with a fresh code, reading the server's answer (the pairing ref), answering the phone's
/// <c>&lt;notification type="link_code_companion_reg"&gt;</c> with <c>companion_finish</c> (which derives the ADV secret
/// pair-success is checked under), and reading the finish's answer. No I/O and no state of its own: the
/// <see cref="SessionActor"/> persists what these functions decide before it sends what they build. The pair-success
/// that follows is <see cref="QrPairing.AcceptPairSuccess"/>'s, with the derived ADV secret.
/// </summary>
public static class CodePairing
{
    public const string Tag = "link_code_companion_reg";

    private const string Server = "s.whatsapp.net";

    /// <summary>E.164 allows at most 15 digits; no country code and number is shorter than 7.</summary>
    private const int MinPhoneDigits = 7;

    private const int MaxPhoneDigits = 15;

    /// <summary>
    /// The digits of <paramref name="phoneNumber"/> (whatsmeow and Baileys strip everything else too), or null when it is
    /// not a number in international form: only digits, an optional leading <c>+</c> and the separators people type
    /// (space, <c>-</c>, <c>.</c>, brackets); 7 to 15 digits, the first not 0 (a country code never starts with 0).
    /// </summary>
    public static string? NormalizePhoneNumber(string? phoneNumber)
    {
        if (string.IsNullOrWhiteSpace(phoneNumber))
        {
            return null;
        }

        var trimmed = phoneNumber.Trim();
        var digits = new StringBuilder(trimmed.Length);
        for (var i = 0; i < trimmed.Length; i++)
        {
            var c = trimmed[i];
            if (char.IsAsciiDigit(c))
            {
                digits.Append(c);
            }
            else if (!(c is ' ' or '-' or '.' or '(' or ')' || (c == '+' && i == 0)))
            {
                return null;
            }
        }

        return digits.Length is >= MinPhoneDigits and <= MaxPhoneDigits && digits[0] != '0' ? digits.ToString() : null;
    }

    /// <summary>
    /// A fresh code and ephemeral key (all drawn from <paramref name="random"/>) and the <c>companion_hello</c> iq that
    /// hands the code-wrapped ephemeral to the server for <paramref name="phoneNumber"/> (digits, as
    /// <see cref="NormalizePhoneNumber"/> gives them).
    /// </summary>
    public static CompanionHello Hello(Registration registration, SessionOptions options, string phoneNumber, string iqId, RandomNumberGenerator random)
    {
        ArgumentNullException.ThrowIfNull(registration);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(phoneNumber);
        ArgumentException.ThrowIfNullOrEmpty(iqId);
        ArgumentNullException.ThrowIfNull(random);
        var code = PairingCode.Generate(random);
        var exchange = LinkCodeCompanionPairing.Hello(code, random);
        var iq = new Node(
            "iq",
            [("to", Server), ("type", "set"), ("id", iqId), ("xmlns", "md")],
            [new Node(Tag, [("jid", Jid(phoneNumber)), ("stage", "companion_hello"), ("should_show_push_notification", "true")],
            [
                new Node("link_code_pairing_wrapped_companion_ephemeral_pub", null, exchange.WrappedEphemeral),
                new Node("companion_server_auth_key_pub", null, registration.NoiseKey.PublicKey),
                new Node("companion_platform_id", null, PlatformId(options.Platform)),
                new Node("companion_platform_display", null, PlatformDisplay(options.Platform)),
                // whatsmeow sends the byte 0, Baileys the string "0" (docs/PROTOCOL.md §6).
                new Node("link_code_pairing_nonce", null, new byte[] { 0 }),
            ])]);
        return new CompanionHello(code, phoneNumber, iqId, exchange, iq);
    }

    /// <summary>
    /// The server's answer to the hello (the iq with <paramref name="hello"/>'s id): the pairing ref, or why there is
    /// none; null for any other stanza.
    /// </summary>
    public static CodeStepOutcome? ReadHelloAnswer(Node node, CompanionHello hello)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(hello);
        if (!IsAnswer(node, hello.IqId))
        {
            return null;
        }

        if (node.GetOptionalString("type") == "error")
        {
            return new CodeStepFailed(LinkFailure.HelloRefused, "the server answered companion_hello with " + ErrorOf(node));
        }

        var reference = node.GetOptionalString("type") == "result" ? node.GetOptionalChild(Tag)?.GetOptionalChild("link_code_pairing_ref") : null;
        var bytes = reference is null ? default : Content(reference);
        return bytes.IsEmpty
            ? new CodeStepFailed(LinkFailure.MalformedCodeExchange, "the answer to companion_hello is not a result holding <link_code_pairing_ref>.")
            : new HelloAnswered(bytes);
    }

    /// <summary>Whether <paramref name="node"/> is the phone's <c>&lt;notification type="link_code_companion_reg"&gt;</c>.</summary>
    public static bool IsPrimaryHello(Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node.Tag == "notification" && node.GetOptionalString("type") == Tag;
    }

    /// <summary>
    /// Answers the phone's notification (the user typed the code): unwraps its ephemeral with our code, builds the
    /// <c>companion_finish</c> iq with the key bundle (its randomness from <paramref name="random"/>), and gives the
    /// ADV secret pair-success will be checked under. A notification for another ref is
    /// <see cref="CodeStepIgnored"/> (whatsmeow ignores it too); a malformed one a <see cref="CodeStepFailed"/>.
    /// </summary>
    public static CodeStepOutcome AnswerPrimaryHello(Node notification, CompanionHello hello, ReadOnlyMemory<byte> pairingRef, Registration registration, string iqId, RandomNumberGenerator random)
    {
        ArgumentNullException.ThrowIfNull(notification);
        ArgumentNullException.ThrowIfNull(hello);
        ArgumentNullException.ThrowIfNull(registration);
        ArgumentException.ThrowIfNullOrEmpty(iqId);
        ArgumentNullException.ThrowIfNull(random);
        var reg = notification.GetOptionalChild(Tag);
        var reference = reg?.GetOptionalChild("link_code_pairing_ref") is { } refNode ? Content(refNode) : default;
        if (reg is null || reference.IsEmpty)
        {
            return new CodeStepFailed(LinkFailure.MalformedCodeExchange, "the link_code_companion_reg notification lacks its ref.");
        }

        if (!reference.Span.SequenceEqual(pairingRef.Span))
        {
            return new CodeStepIgnored("the link_code_companion_reg notification is for another pairing ref.");
        }

        var wrapped = reg.GetOptionalChild("link_code_pairing_wrapped_primary_ephemeral_pub");
        var primaryIdentity = reg.GetOptionalChild("primary_identity_pub");
        if (wrapped is not { ContentKind: NodeContentKind.Bytes } || primaryIdentity is not { ContentKind: NodeContentKind.Bytes })
        {
            return new CodeStepFailed(LinkFailure.MalformedCodeExchange, "the link_code_companion_reg notification lacks the wrapped primary ephemeral or the primary identity.");
        }

        LinkCodeCompanionFinish finish;
        try
        {
            finish = LinkCodeCompanionPairing.Finish(hello.Exchange, registration.IdentityKey, wrapped.Bytes.Span, primaryIdentity.Bytes.Span, random);
        }
        catch (PairingCodeException e)
        {
            return new CodeStepFailed(LinkFailure.MalformedCodeExchange, $"the phone's hello is unusable ({e.Failure}): {e.Message}");
        }

        var iq = new Node(
            "iq",
            [("to", Server), ("type", "set"), ("id", iqId), ("xmlns", "md")],
            [new Node(Tag, [("jid", Jid(hello.PhoneNumber)), ("stage", "companion_finish")],
            [
                new Node("link_code_pairing_wrapped_key_bundle", null, finish.WrappedKeyBundle),
                new Node("companion_identity_public", null, registration.IdentityKey.PublicKey),
                new Node("link_code_pairing_ref", null, pairingRef),
            ])]);
        return new FinishReady(iq, iqId, finish.AdvSecret, Acknowledge(notification));
    }

    /// <summary>The server's answer to companion_finish: accepted, refused (the phone was given another code), or null for any other stanza.</summary>
    public static CodeStepOutcome? ReadFinishAnswer(Node node, string finishIqId)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentException.ThrowIfNullOrEmpty(finishIqId);
        if (!IsAnswer(node, finishIqId))
        {
            return null;
        }

        return node.GetOptionalString("type") switch
        {
            "result" => FinishAccepted.Instance,
            "error" => new CodeStepFailed(LinkFailure.CodeRefused, "the server answered companion_finish with " + ErrorOf(node)),
            var type => new CodeStepFailed(LinkFailure.MalformedCodeExchange, $"the answer to companion_finish has type '{type}'."),
        };
    }

    /// <summary>The <c>&lt;ack class="notification"&gt;</c> for the phone's notification (Baileys sends it; the server expects acks for notifications).</summary>
    public static Node Acknowledge(Node notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        return new Node("ack", [("id", notification.GetOptionalString("id") ?? string.Empty), ("to", notification.GetOptionalString("from") ?? Server), ("class", "notification"), ("type", Tag)]);
    }

    /// <summary>whatsmeow's PairClientType: the QR's client type where it is a number, else 0 (unknown).</summary>
    public static string PlatformId(string platform)
    {
        var clientType = QrPairing.ClientType(platform);
        return clientType.Length == 1 && char.IsAsciiDigit(clientType[0]) ? clientType : "0";
    }

    /// <summary>
    /// <c>Browser (OS)</c>, which the server checks against common names (whatsmeow: 400 otherwise): the session's platform
    /// when it is a browser, else Chrome; the OS is Linux, what the nodes run.
    /// </summary>
    public static string PlatformDisplay(string platform)
    {
        var parsed = QrPairing.Platform(platform);
        var browser = parsed switch
        {
            Protocol.Wa.Client.DeviceProps.Types.PlatformType.Chrome => "Chrome",
            Protocol.Wa.Client.DeviceProps.Types.PlatformType.Firefox => "Firefox",
            Protocol.Wa.Client.DeviceProps.Types.PlatformType.Edge => "Edge",
            Protocol.Wa.Client.DeviceProps.Types.PlatformType.Safari => "Safari",
            Protocol.Wa.Client.DeviceProps.Types.PlatformType.Opera => "Opera",
            _ => "Chrome",
        };
        return browser + " (Linux)";
    }

    private static string Jid(string phoneNumber) => phoneNumber + "@" + Server;

    // An iq the server sends itself (set/get) is never the answer to ours, even under the same id.
    private static bool IsAnswer(Node node, string id) =>
        node.Tag == "iq" && node.GetOptionalString("id") == id && node.GetOptionalString("type") is not ("set" or "get");

    private static string ErrorOf(Node iq)
    {
        var error = iq.GetOptionalChild("error");
        return $"error {error?.GetOptionalString("code") ?? "?"} {error?.GetOptionalString("text") ?? "?"}";
    }

    private static ReadOnlyMemory<byte> Content(Node node) => node.ContentKind switch
    {
        NodeContentKind.Bytes => node.Bytes,
        _ when node.Text is { Length: > 0 } text => Encoding.UTF8.GetBytes(text),
        _ => default,
    };
}

/// <summary>
/// The companion's hello: the code to show, the phone number it was asked for, the iq id its answer carries, the
/// exchange state (the ephemeral private key, kept until the finish) and the iq to send. <see cref="ToString"/> names
/// neither the code nor key material.
/// </summary>
public sealed record CompanionHello(string Code, string PhoneNumber, string IqId, LinkCodeCompanionHello Exchange, Node Iq)
{
    public override string ToString() => $"CompanionHello {{ IqId = {IqId} }}";
}

/// <summary>What reading one step of the code exchange decided.</summary>
public abstract record CodeStepOutcome;

/// <summary>The server accepted the hello: <paramref name="PairingRef"/> names this pairing in the phone's notification and the finish.</summary>
public sealed record HelloAnswered(ReadOnlyMemory<byte> PairingRef) : CodeStepOutcome
{
    public override string ToString() => "HelloAnswered";
}

/// <summary>
/// The phone's hello is answered: send <paramref name="Iq"/> (companion_finish, id <paramref name="IqId"/>) and
/// <paramref name="Ack"/>; pair-success will be checked under <paramref name="AdvSecret"/>. <see cref="ToString"/> leaves the secret out.
/// </summary>
public sealed record FinishReady(Node Iq, string IqId, ReadOnlyMemory<byte> AdvSecret, Node Ack) : CodeStepOutcome
{
    public override string ToString() => $"FinishReady {{ IqId = {IqId} }}";
}

/// <summary>The server accepted companion_finish; pair-success follows.</summary>
public sealed record FinishAccepted : CodeStepOutcome
{
    public static FinishAccepted Instance { get; } = new();
}

/// <summary>The step failed; the attempt ends with <paramref name="Failure"/>. <paramref name="Detail"/> names no code or key.</summary>
public sealed record CodeStepFailed(LinkFailure Failure, string Detail) : CodeStepOutcome;

/// <summary>The stanza belongs to no pairing of ours (another ref); the attempt goes on.</summary>
public sealed record CodeStepIgnored(string Detail) : CodeStepOutcome;

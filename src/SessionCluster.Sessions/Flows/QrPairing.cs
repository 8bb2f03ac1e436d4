using System.Text;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Handshake;
using SessionCluster.Protocol.Pairing;
using SessionCluster.Protocol.Wa.Client;
using SessionCluster.Sessions.State;

namespace SessionCluster.Sessions.Flows;

/// <summary>
/// Linking by QR (docs/PROTOCOL.md §6), the pure part: which stanzas belong to it, what to answer them, the QR string
/// of each ref, and the check of pair-success. No I/O and no state of its own: the <see cref="SessionActor"/> persists
/// what these functions decide before it sends what they build. Linking by code (<see cref="CodePairing"/>) ends with
/// the same pair-success check and uses the same payloads.
/// </summary>
public static class QrPairing
{
    private const string Server = "s.whatsapp.net";

    /// <summary>The <c>&lt;iq type="set"&gt;&lt;pair-device&gt;</c> that opens linking, or null for any other stanza.</summary>
    public static PairDeviceRequest? ReadPairDevice(Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (!IsSetIq(node, "pair-device"))
        {
            return null;
        }

        var refs = node.Children[0].GetChildren("ref").Select(RefText).Where(r => r.Length > 0).ToArray();
        return new PairDeviceRequest(node.GetString("id"), refs);
    }

    /// <summary>Whether <paramref name="node"/> is the <c>&lt;iq type="set"&gt;&lt;pair-success&gt;</c> stanza.</summary>
    public static bool IsPairSuccess(Node node) => IsSetIq(node, "pair-success");

    /// <summary>The empty <c>&lt;iq type="result"&gt;</c> that acknowledges a server iq (step 1 of §6).</summary>
    public static Node Acknowledge(string id) => new("iq", [("to", Server), ("type", "result"), ("id", id)]);

    /// <summary>What the user scans for <paramref name="reference"/>: the ref, the Noise and identity public keys, the ADV secret, the client type.</summary>
    public static string QrString(string reference, Registration registration, string platform) =>
        new QrPairingCode(reference, registration.NoiseKey.PublicKey, registration.IdentityKey.PublicKey, registration.AdvSecretKey, ClientType(platform)).Format();

    /// <summary>
    /// Checks pair-success (the HMAC under our ADV secret, the account signature over our identity key: both with
    /// <see cref="CompanionPairSuccess"/>), and gives either the linked registration with the pair-device-sign answer,
    /// or the typed refusal with the iq error to answer instead (whatsmeow's sendPairError).
    /// </summary>
    public static PairSuccessOutcome AcceptPairSuccess(Node iq, Registration registration)
    {
        ArgumentNullException.ThrowIfNull(iq);
        ArgumentNullException.ThrowIfNull(registration);
        var id = iq.GetOptionalString("id") ?? string.Empty;
        var pairSuccess = iq.Children[0];
        var identityNode = pairSuccess.GetOptionalChild("device-identity");
        var device = pairSuccess.GetOptionalChild("device");
        Jid? jid, lid;
        try
        {
            jid = device?.GetOptionalJid("jid");
            lid = device?.GetOptionalJid("lid");
        }
        catch (NodeAttributeException e)
        {
            return Refuse(id, LinkFailure.MalformedPairSuccess, 400, "bad-request", e.Message);
        }

        if (id.Length == 0 || identityNode is null || identityNode.Bytes.IsEmpty || jid is null || !jid.Value.IsPhoneNumber || jid.Value.Device == 0)
        {
            return Refuse(id, LinkFailure.MalformedPairSuccess, 400, "bad-request", "pair-success lacks the id, the device identity or the device JID.");
        }

        AcceptedDeviceIdentity accepted;
        try
        {
            accepted = CompanionPairSuccess.Accept(identityNode.Bytes.Span, registration.AdvSecretKey.Span, registration.IdentityKey);
        }
        catch (PairingVerificationException e)
        {
            return e.Failure switch
            {
                PairingVerificationFailure.HmacMismatch => Refuse(id, LinkFailure.HmacMismatch, 401, "hmac-mismatch", e.Message),
                PairingVerificationFailure.BadAccountSignature => Refuse(id, LinkFailure.BadAccountSignature, 401, "signature-mismatch", e.Message),
                _ => Refuse(id, LinkFailure.MalformedPairSuccess, 500, "internal-error", e.Message),
            };
        }

        var linked = registration with
        {
            DeviceJid = jid.Value.ToString(),
            Lid = lid?.ToString(),
            AdvSignedIdentity = accepted.SignedDeviceIdentity,
        };
        return new PairSuccessAccepted(linked, CompanionPairSuccess.BuildReply(id, accepted));
    }

    /// <summary>The login payload of a linked registration: the phone number and device number of its device JID.</summary>
    public static ClientPayload LoginPayload(Registration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var jid = Jid.Parse(registration.DeviceJid ?? throw new ArgumentException("The registration is not linked.", nameof(registration)));
        return CompanionPayloads.Login(jid.User, jid.Device);
    }

    /// <summary>The registration payload of an unlinked registration, announcing the session's device name and platform.</summary>
    public static ClientPayload RegistrationPayload(Registration registration, SessionOptions options)
    {
        ArgumentNullException.ThrowIfNull(registration);
        ArgumentNullException.ThrowIfNull(options);
        var device = new CompanionDevice(options.DeviceName, Platform(options.Platform));
        return CompanionPayloads.Registration(registration.RegistrationId, registration.IdentityKey, registration.SignedPreKey, device);
    }

    /// <summary>The DeviceProps platform named by <paramref name="platform"/> (case-insensitive), or Unknown.</summary>
    public static DeviceProps.Types.PlatformType Platform(string platform) =>
        Enum.TryParse<DeviceProps.Types.PlatformType>(platform, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
            ? parsed
            : DeviceProps.Types.PlatformType.Unknown;

    /// <summary>The QR's client type for a platform (docs/PROTOCOL.md §6: 1 Chrome, 2 Edge, 3 Firefox, ...; 0 unknown).</summary>
    public static string ClientType(string platform) => Platform(platform) switch
    {
        DeviceProps.Types.PlatformType.Chrome => "1",
        DeviceProps.Types.PlatformType.Edge => "2",
        DeviceProps.Types.PlatformType.Firefox => "3",
        DeviceProps.Types.PlatformType.Ie => "4",
        DeviceProps.Types.PlatformType.Opera => "5",
        DeviceProps.Types.PlatformType.Safari => "6",
        DeviceProps.Types.PlatformType.Uwp => "8",
        DeviceProps.Types.PlatformType.Catalina => "c",
        _ => "0",
    };

    private static PairSuccessRefused Refuse(string id, LinkFailure failure, int code, string text, string detail) =>
        new(failure, detail, id.Length == 0
            ? null
            : new Node("iq", [("to", Server), ("type", "error"), ("id", id)], [new Node("error", [("code", code.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("text", text)])]));

    // whatsmeow handles only iqs from the server with exactly one child (docs/PROTOCOL.md §6 step 1).
    private static bool IsSetIq(Node node, string child) =>
        node.Tag == "iq"
        && node.GetOptionalString("type") == "set"
        && node.GetOptionalString("id") is { Length: > 0 }
        && node.Children.Count == 1
        && node.Children[0].Tag == child;

    private static string RefText(Node reference) =>
        reference.Text ?? Encoding.UTF8.GetString(reference.Bytes.Span);
}

/// <summary>The server's pair-device: the iq id to acknowledge and the refs, shown one after the other.</summary>
public sealed record PairDeviceRequest(string IqId, IReadOnlyList<string> Refs);

/// <summary>What checking pair-success decided.</summary>
public abstract record PairSuccessOutcome;

/// <summary>Verified: persist <paramref name="Linked"/>, then send <paramref name="Reply"/> (the pair-device-sign iq).</summary>
public sealed record PairSuccessAccepted(Registration Linked, Node Reply) : PairSuccessOutcome;

/// <summary>Refused: nothing is linked; <paramref name="Reply"/> is the iq error to answer (null when the iq had no id).</summary>
public sealed record PairSuccessRefused(LinkFailure Failure, string Detail, Node? Reply) : PairSuccessOutcome;

namespace SessionCluster.Simulator.Stanzas;

/// <summary>
/// The <c>error</c> codes of a refused <c>&lt;ack class="message"&gt;</c> (<see cref="MessageAcks.Refused"/>). Simulator
/// choices: the real server's codes for these cases are not in docs/PROTOCOL.md; these follow WhatsApp's usual codes.
/// </summary>
internal static class MessageAckErrors
{
    /// <summary>A 1:1 message to an account the server does not know.</summary>
    public const string UnknownAccount = "404";

    /// <summary>A 1:1 participant list naming a device that does not exist, belongs to a third account or is the sender.</summary>
    public const string BadParticipant = "400";

    /// <summary>A group message to a group the server does not know.</summary>
    public const string UnknownGroup = "404";

    /// <summary>A group message from an account that is not a member.</summary>
    public const string NotAMember = "403";

    /// <summary>A group message without an skmsg, or naming a device that is not a member's.</summary>
    public const string BadGroupMessage = "400";

    /// <summary>A status (<c>to="status@broadcast"</c>) without an skmsg, naming no device, or naming one that does not exist.</summary>
    public const string BadStatus = "400";
}

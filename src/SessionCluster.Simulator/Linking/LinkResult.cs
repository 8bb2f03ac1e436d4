using System.Diagnostics.CodeAnalysis;

namespace SessionCluster.Simulator.Linking;

/// <summary>Why the phone could not link a companion (by QR or by code); nothing was linked.</summary>
public enum LinkFailureReason
{
    /// <summary>The phone number has no account.</summary>
    NoAccount,

    /// <summary>The QR string does not parse (<see cref="Protocol.Pairing.QrFormatException"/>).</summary>
    UnreadableQr,

    /// <summary>No open registering connection was given the QR's ref.</summary>
    UnknownRef,

    /// <summary>The ref has rotated away; the companion shows a later one now.</summary>
    RefExpired,

    /// <summary>The ref is one of the connection's, but not the one it shows yet.</summary>
    RefNotShownYet,

    /// <summary>The QR's noise or identity key is not the one the connection showing its ref registered with.</summary>
    QrKeysMismatch,

    /// <summary>The connection is not a registering companion.</summary>
    NotRegistering,

    /// <summary>Another link of the same companion is running.</summary>
    LinkInProgress,

    /// <summary>The companion's connection closed before the link completed.</summary>
    CompanionGone,

    /// <summary>The companion answered pair-success with an iq error.</summary>
    CompanionRefused,

    /// <summary>The companion's pair-device-sign failed verification (<see cref="Protocol.Pairing.PairingVerificationException"/>).</summary>
    VerificationFailed,

    /// <summary>The companion did not answer within <see cref="SimulatorOptions.IqReplyTimeout"/>.</summary>
    NoAnswer,

    /// <summary>The pairing code is not 8 characters of the code alphabet.</summary>
    UnreadableCode,

    /// <summary>No companion sent companion_hello for this phone number on a connection still open.</summary>
    NoCompanionWaiting,

    /// <summary>A code is already being entered for the waiting companion.</summary>
    CodeEntryInProgress,

    /// <summary>The companion's hello cannot be answered (its wrapped ephemeral key is unusable).</summary>
    HelloUnusable,

    /// <summary>The companion's key bundle failed (a wrong code, or another identity); its finish got an iq error.</summary>
    CodeRefused,
}

/// <summary>A link that did not happen, and a sentence for the operator saying why.</summary>
public sealed record LinkFailure(LinkFailureReason Reason, string Detail);

/// <summary>The answer of a successful link.</summary>
public sealed record LinkedCompanion(string Jid, string Lid, int Device, uint KeyIndex);

/// <summary>What linking a companion came to: the linked device, or why not.</summary>
public sealed record LinkResult
{
    private LinkResult(LinkedCompanion? linked, LinkFailure? failure)
    {
        Linked = linked;
        Failure = failure;
    }

    /// <summary>The linked device, when <see cref="Succeeded"/>.</summary>
    public LinkedCompanion? Linked { get; }

    /// <summary>Why not, when not <see cref="Succeeded"/>.</summary>
    public LinkFailure? Failure { get; }

    /// <summary>Whether the companion was linked.</summary>
    [MemberNotNullWhen(true, nameof(Linked))]
    [MemberNotNullWhen(false, nameof(Failure))]
    public bool Succeeded => Linked is not null;

    /// <summary>The companion was linked as <paramref name="linked"/>.</summary>
    public static LinkResult Success(LinkedCompanion linked) => new(linked ?? throw new ArgumentNullException(nameof(linked)), null);

    /// <summary>Nothing was linked, for <paramref name="reason"/>; <paramref name="detail"/> is for the operator.</summary>
    public static LinkResult Failed(LinkFailureReason reason, string detail) => new(null, new LinkFailure(reason, detail));
}

using SessionCluster.Simulator.Accounts;
using SessionCluster.Simulator.Connections;
using SessionCluster.Protocol.Pairing;

namespace SessionCluster.Simulator;

/// <summary>
/// The phone scanning a companion's QR (docs/PROTOCOL.md §6), started by <c>POST /admin/accounts/{phone}/link</c>.
/// </summary>
/// <remarks>
/// <para>Steps: read the QR; find the registering connection that was given its ref and check the ref is the one
/// showing now; check the QR's noise and identity keys are the ones that connection registered with (a QR copied
/// onto another connection is refused); reserve a device id and key index; send pair-success carrying the ADV
/// identity the phone signs (<see cref="PairSuccess"/>); wait for the companion's <c>&lt;pair-device-sign&gt;</c> and
/// verify it (<see cref="PairDeviceSign"/>); record the device; end the stream with 515 so the companion logs in.
/// Everything from the reservation on is <see cref="CompanionLinking"/>, shared with pairing by code.</para>
/// <para>A pair-device-sign that fails verification is answered with <c>&lt;stream:error code="401"/&gt;</c> and the
/// connection closes without linking: the real server's exact reaction is not in docs/PROTOCOL.md (uncertain); 401 is what
/// both clients treat as "logged out", so the companion drops the half-made credentials.</para>
/// </remarks>
internal static class QrLinking
{
    /// <exception cref="AdminProblemException">The link cannot be made; carries the HTTP status and why.</exception>
    public static async Task<LinkedCompanion> LinkAsync(SimulatorServer server, string phone, string? qr, CancellationToken cancellationToken)
    {
        var account = server.Accounts.Find(phone) ?? throw AdminProblemException.NotFound($"No account for {phone}.");
        QrPairingCode code;
        try
        {
            code = QrPairingCode.Parse(qr ?? "");
        }
        catch (QrFormatException e)
        {
            throw AdminProblemException.BadRequest("The QR string cannot be read: " + e.Message);
        }

        var connection = server.Connections.FindByRef(code.Ref) ?? throw AdminProblemException.NotFound("No connection is showing this QR (unknown ref, or its connection closed).");
        var registering = connection.Registering!;
        switch (registering.PairDevice.Check(code.Ref))
        {
            case RefState.Expired:
                throw new AdminProblemException(410, "QR expired", "This ref has rotated away; scan the QR the companion shows now.");
            case RefState.NotYetShown:
                throw new AdminProblemException(409, "QR not shown yet", "This ref is not the one the companion shows now.");
            case RefState.Unknown:
                throw AdminProblemException.NotFound("No connection is showing this QR.");
        }

        if (!code.NoisePublicKey.Span.SequenceEqual(connection.NoiseKey.Span) || !code.IdentityPublicKey.Span.SequenceEqual(registering.Registration.IdentityKey.Span))
        {
            throw new AdminProblemException(422, "QR keys mismatch", "The QR's keys are not the ones the connection showing this ref registered with.");
        }

        return await CompanionLinking.CompleteAsync(server, account, connection, code.IdentityPublicKey, code.AdvSecret, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>The answer of a successful link.</summary>
public sealed record LinkedCompanion(string Jid, string Lid, int Device, uint KeyIndex);

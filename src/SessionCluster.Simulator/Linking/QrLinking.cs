using SessionCluster.Protocol.Pairing;
using SessionCluster.Simulator.Accounts;
using SessionCluster.Simulator.Connections;

namespace SessionCluster.Simulator.Linking;

/// <summary>
/// The phone scanning a companion's QR (docs/PROTOCOL.md §6), started by <c>POST /admin/accounts/{phone}/link</c>.
/// </summary>
/// <remarks>
/// <para>Steps: read the QR; find the registering connection that was given its ref and check the ref is the one
/// showing now; check the QR's noise and identity keys are the ones that connection registered with (a QR copied
/// onto another connection is refused); then <see cref="CompanionLinking"/>, shared with pairing by code: reserve a
/// device id and key index, send pair-success, verify the companion's <c>&lt;pair-device-sign&gt;</c>, record the
/// device, end the stream with 515 so the companion logs in.</para>
/// <para>A pair-device-sign that fails verification is answered with <c>&lt;stream:error code="401"/&gt;</c> and the
/// connection closes without linking: the real server's exact reaction is not in docs/PROTOCOL.md (uncertain); 401 is what
/// both clients treat as "logged out", so the companion drops the half-made credentials.</para>
/// </remarks>
internal sealed class QrLinking(AccountDirectory accounts, ConnectionRegistry connections, CompanionLinking companionLinking)
{
    public async Task<LinkResult> LinkAsync(string phone, string? qr, CancellationToken cancellationToken)
    {
        if (accounts.Find(phone) is not { } account)
        {
            return LinkResult.Failed(LinkFailureReason.NoAccount, $"No account for {phone}.");
        }

        if (!QrPairingCode.TryParse(qr, out var code, out var formatError))
        {
            return LinkResult.Failed(LinkFailureReason.UnreadableQr, "The QR string cannot be read: " + formatError.Message);
        }

        if (connections.FindByRef(code.Ref) is not { Registering: { } registering } connection)
        {
            return LinkResult.Failed(LinkFailureReason.UnknownRef, "No connection is showing this QR (unknown ref, or its connection closed).");
        }

        switch (registering.PairDevice.Check(code.Ref))
        {
            case RefState.Expired:
                return LinkResult.Failed(LinkFailureReason.RefExpired, "This ref has rotated away; scan the QR the companion shows now.");
            case RefState.NotYetShown:
                return LinkResult.Failed(LinkFailureReason.RefNotShownYet, "This ref is not the one the companion shows now.");
            case RefState.Unknown:
                return LinkResult.Failed(LinkFailureReason.UnknownRef, "No connection is showing this QR.");
        }

        if (!code.NoisePublicKey.Span.SequenceEqual(connection.NoiseKey.Span) || !code.IdentityPublicKey.Span.SequenceEqual(registering.Registration.IdentityKey.Span))
        {
            return LinkResult.Failed(LinkFailureReason.QrKeysMismatch, "The QR's keys are not the ones the connection showing this ref registered with.");
        }

        return await companionLinking.CompleteAsync(account, connection, code.IdentityPublicKey, code.AdvSecret, cancellationToken).ConfigureAwait(false);
    }
}

using Microsoft.Extensions.Logging;
using SessionCluster.Protocol.Binary;
using SessionCluster.Simulator.Accounts;
using SessionCluster.Simulator.Connections;
using SessionCluster.Simulator.Pairing;

namespace SessionCluster.Simulator;

/// <summary>
/// The phone scanning a companion's QR (FACTS §6), started by <c>POST /admin/accounts/{phone}/link</c>.
/// </summary>
/// <remarks>
/// <para>Steps: read the QR; find the registering connection that was given its ref and check the ref is the one
/// showing now; check the QR's noise and identity keys are the ones that connection registered with (a QR copied
/// onto another connection is refused); reserve a device id and key index; send pair-success carrying the ADV
/// identity the phone signs (<see cref="PairSuccess"/>); wait for the companion's <c>&lt;pair-device-sign&gt;</c> and
/// verify it (<see cref="PairDeviceSign"/>); record the device; end the stream with 515 so the companion logs in.</para>
/// <para>A pair-device-sign that fails verification is answered with <c>&lt;stream:error code="401"/&gt;</c> and the
/// connection closes without linking: the real server's exact reaction is not in FACTS (uncertain); 401 is what
/// both clients treat as "logged out", so the companion drops the half-made credentials.</para>
/// </remarks>
internal static partial class QrLinking
{
    /// <summary>The phone's platform reported in pair-success (Baileys stores it as <c>creds.platform</c>).</summary>
    public const string PhonePlatform = "android";

    /// <exception cref="AdminProblemException">The link cannot be made; carries the HTTP status and why.</exception>
    public static async Task<LinkedCompanion> LinkAsync(SimulatorServer server, string phone, string? qr, CancellationToken cancellationToken)
    {
        var logger = server.LoggerFactory.CreateLogger(typeof(QrLinking));
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

        if (!connection.TryBeginLinking())
        {
            throw new AdminProblemException(409, "Link in progress", "This companion is already being linked.");
        }

        var closed = false;
        try
        {
            var (deviceId, keyIndex) = account.ReserveDevice();
            var now = server.Clock.GetUtcNow();
            var issued = PairSuccess.IssueDeviceIdentity(account.Identity, code, keyIndex, now);
            var iq = PairSuccess.BuildIq(connection.NextIqId(), issued, account.DeviceJid(deviceId), account.DeviceLid(deviceId), PhonePlatform, businessName: null, now);
            Node answer;
            try
            {
                answer = await connection.QueryAsync(iq, server.Options.IqReplyTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                throw new AdminProblemException(504, "No answer", $"The companion did not answer pair-success within {server.Options.IqReplyTimeout.TotalSeconds:0} s.");
            }
            catch (ConnectionClosedException)
            {
                throw new AdminProblemException(409, "Companion gone", "The companion's connection closed during linking.");
            }

            if (answer.GetString("type") != "result")
            {
                var error = answer.GetOptionalChild("error");
                LogCompanionRefused(logger, connection.Id, error?.GetOptionalString("code") ?? "?", error?.GetOptionalString("text") ?? "?");
                throw new AdminProblemException(422, "Companion refused pair-success", $"The companion answered with an error: {error?.GetOptionalString("code")} {error?.GetOptionalString("text")}.");
            }

            VerifiedDeviceIdentity verified;
            try
            {
                verified = PairDeviceSign.Verify(issued, answer);
            }
            catch (PairingVerificationException e)
            {
                LogBadSignature(logger, connection.Id, e.Failure.ToString());
                closed = true;
                await connection.CloseAsync(ServerStanzas.StreamError(401), "pair-device-sign failed verification").ConfigureAwait(false);
                throw new AdminProblemException(422, "pair-device-sign refused", $"The companion's answer failed verification ({e.Failure}); it was not linked.");
            }

            var registration = registering.Registration;
            var device = new CompanionDevice(
                deviceId,
                verified.KeyIndex,
                connection.NoiseKey.ToArray(),
                registration.IdentityKey,
                registration.RegistrationId,
                registration.SignedPreKey,
                registration.Platform,
                now);
            account.AddDevice(device);
            await server.Accounts.SaveAsync(cancellationToken).ConfigureAwait(false);
            server.Stats.DeviceLinked();
            await server.DeviceLists.ChangedAsync(account, deviceId, verified.KeyIndex, added: true, cancellationToken).ConfigureAwait(false);
            LogLinked(logger, connection.Id, deviceId, keyIndex);
            closed = true;
            await connection.CloseAsync(ServerStanzas.StreamError(515), "paired; restart required").ConfigureAwait(false);
            return new LinkedCompanion(account.DeviceJid(deviceId).ToString(), account.DeviceLid(deviceId).ToString(), deviceId, verified.KeyIndex);
        }
        finally
        {
            if (!closed)
            {
                connection.EndLinking();
            }
        }
    }

    [LoggerMessage(EventId = 400, Level = LogLevel.Information, Message = "Connection {Id}: linked as device {Device} (key index {KeyIndex}); sent 515")]
    private static partial void LogLinked(ILogger logger, long id, int device, uint keyIndex);

    [LoggerMessage(EventId = 401, Level = LogLevel.Warning, Message = "Connection {Id}: pair-device-sign failed verification ({Failure}); sent stream error 401")]
    private static partial void LogBadSignature(ILogger logger, long id, string failure);

    [LoggerMessage(EventId = 402, Level = LogLevel.Information, Message = "Connection {Id}: the companion answered pair-success with error {Code} {Text}")]
    private static partial void LogCompanionRefused(ILogger logger, long id, string code, string text);
}

/// <summary>The answer of a successful link.</summary>
public sealed record LinkedCompanion(string Jid, string Lid, int Device, uint KeyIndex);

using Microsoft.Extensions.Logging;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Pairing;
using SessionCluster.Protocol.Stanzas;
using SessionCluster.Simulator.Accounts;
using SessionCluster.Simulator.Connections;

namespace SessionCluster.Simulator.Linking;

/// <summary>
/// The end every way of linking shares (docs/PROTOCOL.md §6 steps 4-7): once the phone knows the companion's identity key and the
/// ADV secret (from the QR, or derived by pairing by code), it reserves a device id and key index, sends pair-success
/// with the ADV identity it signs, verifies the companion's <c>&lt;pair-device-sign&gt;</c>, records the device and
/// ends the stream with 515 so the companion logs in. A failed verification ends the stream with 401 and links nothing.
/// </summary>
internal sealed partial class CompanionLinking(
    AccountDirectory accounts,
    DeviceLists deviceLists,
    SimulatorStats stats,
    SimulatorOptions options,
    TimeProvider clock,
    ILogger<CompanionLinking> logger)
{
    /// <summary>The phone's platform reported in pair-success (Baileys stores it as <c>creds.platform</c>).</summary>
    public const string PhonePlatform = "android";

    /// <summary>Runs pair-success → pair-device-sign → 515 on <paramref name="connection"/>, a registering connection.</summary>
    public async Task<LinkResult> CompleteAsync(
        Account account,
        ChatConnection connection,
        ReadOnlyMemory<byte> companionIdentityKey,
        ReadOnlyMemory<byte> advSecret,
        CancellationToken cancellationToken)
    {
        if (connection.Registering is not { } registering)
        {
            return LinkResult.Failed(LinkFailureReason.NotRegistering, "The connection is not a registering companion.");
        }

        if (!connection.TryBeginLinking())
        {
            return LinkResult.Failed(LinkFailureReason.LinkInProgress, "This companion is already being linked.");
        }

        var closed = false;
        try
        {
            var (deviceId, keyIndex) = account.ReserveDevice();
            var now = clock.GetUtcNow();
            var issued = PairSuccess.IssueDeviceIdentity(account.Identity, companionIdentityKey.Span, advSecret.Span, keyIndex, now);
            var iq = PairSuccess.BuildIq(connection.NextIqId(), issued, account.DeviceJid(deviceId), account.DeviceLid(deviceId), PhonePlatform, businessName: null, now);
            Node answer;
            try
            {
                answer = await connection.QueryAsync(iq, options.IqReplyTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return LinkResult.Failed(LinkFailureReason.NoAnswer, $"The companion did not answer pair-success within {options.IqReplyTimeout.TotalSeconds:0} s.");
            }
            catch (ConnectionClosedException)
            {
                return LinkResult.Failed(LinkFailureReason.CompanionGone, "The companion's connection closed during linking.");
            }

            if (answer.GetString("type") != "result")
            {
                var error = answer.GetOptionalChild("error");
                LogCompanionRefused(logger, connection.Id, error?.GetOptionalString("code") ?? "?", error?.GetOptionalString("text") ?? "?");
                return LinkResult.Failed(LinkFailureReason.CompanionRefused, $"The companion answered with an error: {error?.GetOptionalString("code")} {error?.GetOptionalString("text")}.");
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
                await connection.CloseAsync(StreamErrors.WithCode(StreamErrors.LoggedOut), "pair-device-sign failed verification").ConfigureAwait(false);
                return LinkResult.Failed(LinkFailureReason.VerificationFailed, $"The companion's answer failed verification ({e.Failure}); it was not linked.");
            }

            var registration = registering.Registration;
            account.AddDevice(new CompanionDevice(
                deviceId,
                verified.KeyIndex,
                connection.NoiseKey.ToArray(),
                registration.IdentityKey,
                registration.RegistrationId,
                registration.SignedPreKey,
                registration.Platform,
                now));
            await accounts.SaveAsync(cancellationToken).ConfigureAwait(false);
            stats.DeviceLinked();
            await deviceLists.ChangedAsync(account, deviceId, verified.KeyIndex, added: true, cancellationToken).ConfigureAwait(false);
            LogLinked(logger, connection.Id, deviceId, keyIndex);
            closed = true;
            await connection.CloseAsync(StreamErrors.WithCode(StreamErrors.RestartRequired), "paired; restart required").ConfigureAwait(false);
            return LinkResult.Success(new LinkedCompanion(account.DeviceJid(deviceId).ToString(), account.DeviceLid(deviceId).ToString(), deviceId, verified.KeyIndex));
        }
        finally
        {
            if (!closed)
            {
                connection.EndLinking();
            }
        }
    }

    [LoggerMessage(EventId = 410, Level = LogLevel.Information, Message = "Connection {Id}: linked as device {Device} (key index {KeyIndex}); sent 515")]
    private static partial void LogLinked(ILogger logger, long id, int device, uint keyIndex);

    [LoggerMessage(EventId = 411, Level = LogLevel.Warning, Message = "Connection {Id}: pair-device-sign failed verification ({Failure}); sent stream error 401")]
    private static partial void LogBadSignature(ILogger logger, long id, string failure);

    [LoggerMessage(EventId = 412, Level = LogLevel.Information, Message = "Connection {Id}: the companion answered pair-success with error {Code} {Text}")]
    private static partial void LogCompanionRefused(ILogger logger, long id, string code, string text);
}

using System.Globalization;
using Microsoft.Extensions.Logging;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Pairing;
using SessionCluster.Protocol.Stanzas;
using SessionCluster.Simulator.Accounts;
using SessionCluster.Simulator.Connections;

namespace SessionCluster.Simulator.Linking;

/// <summary>
/// The phone entering a pairing code (docs/PROTOCOL.md §6 "Pairing by phone-number code"), started by
/// <c>POST /admin/accounts/{phone}/link-code {"code": "ABCD-EFGH"}</c> after a companion's <c>companion_hello</c>
/// (<see cref="LinkCodeRegistration"/>).
/// </summary>
/// <remarks>
/// <para>Steps: unwrap the companion's ephemeral key with the code and wrap a fresh one of the phone's
/// (<see cref="LinkCodePairing.AnswerCompanionHello"/>); send <c>&lt;notification type="link_code_companion_reg"&gt;</c>
/// with the ref, the wrapped primary ephemeral and the account's identity key; wait for <c>companion_finish</c>;
/// decrypt its key bundle and derive the ADV secret (<see cref="LinkCodePairing.Finish"/>); answer the finish iq; then
/// the same pair-success → pair-device-sign → 515 as QR linking (<see cref="CompanionLinking"/>).</para>
/// <para>A wrong code does not show until the finish: the companion unwraps a garbage key, and its bundle does not
/// decrypt here. The finish then gets <c>&lt;iq type="error"&gt;&lt;error code="401" text="not-authorized"/&gt;</c> (uncertain:
/// the real server's reaction is not in docs/PROTOCOL.md), the pending pairing is dropped, the admin call gets <see cref="LinkFailureReason.CodeRefused"/>, and the
/// connection stays as it was: its pair-device refs still link by QR, and a new companion_hello can start over.</para>
/// </remarks>
internal sealed partial class LinkCodeLinking(
    AccountDirectory accounts,
    LinkCodeRegistry registry,
    CompanionLinking companionLinking,
    SimulatorOptions options,
    TimeProvider clock,
    ILogger<LinkCodeLinking> logger)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    public async Task<LinkResult> LinkAsync(string phone, string? code, CancellationToken cancellationToken)
    {
        if (accounts.Find(phone) is not { } account)
        {
            return LinkResult.Failed(LinkFailureReason.NoAccount, $"No account for {phone}.");
        }

        string normalized;
        try
        {
            normalized = PairingCode.Normalize(code ?? "");
        }
        catch (PairingCodeException e)
        {
            return LinkResult.Failed(LinkFailureReason.UnreadableCode, "The code cannot be read: " + e.Message);
        }

        if (registry.FindByPhone(phone) is not { } pending)
        {
            return LinkResult.Failed(LinkFailureReason.NoCompanionWaiting, $"No companion is waiting to be linked to {phone} by code (no companion_hello, or its connection closed).");
        }

        if (!pending.TryBeginAnswer())
        {
            return LinkResult.Failed(LinkFailureReason.CodeEntryInProgress, "A code is already being entered for this companion.");
        }

        try
        {
            return await AnswerAsync(account, pending, normalized, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            registry.Remove(pending);
        }
    }

    private async Task<LinkResult> AnswerAsync(Account account, PendingLinkCode pending, string code, CancellationToken cancellationToken)
    {
        var connection = pending.Connection;
        LinkCodePrimaryHello hello;
        try
        {
            hello = LinkCodePairing.AnswerCompanionHello(account.Identity, code, pending.WrappedCompanionEphemeral.Span);
        }
        catch (PairingCodeException e)
        {
            return LinkResult.Failed(LinkFailureReason.HelloUnusable, e.Message);
        }

        pending.Hello = hello;
        var notification = new Node(
            "notification",
            [("from", ServerStanzas.Server), ("id", connection.NextIqId()), ("type", LinkCodeRegistration.Tag), ("t", clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture))],
            [new Node(LinkCodeRegistration.Tag, null,
            [
                new Node("link_code_pairing_ref", null, pending.Ref),
                new Node("link_code_pairing_wrapped_primary_ephemeral_pub", null, hello.WrappedPrimaryEphemeral),
                new Node("primary_identity_pub", null, hello.PrimaryIdentityPublicKey),
            ])]);
        if (!await connection.SendAsync(notification, cancellationToken).ConfigureAwait(false))
        {
            return LinkResult.Failed(LinkFailureReason.CompanionGone, "The companion's connection closed.");
        }

        if (await WaitForFinishAsync(pending, cancellationToken).ConfigureAwait(false) is { } missing)
        {
            return missing;
        }

        var finish = await pending.Finish.Task.ConfigureAwait(false);

        var reg = finish.GetChild(LinkCodeRegistration.Tag);
        var bundle = reg.GetOptionalChild("link_code_pairing_wrapped_key_bundle");
        var identity = reg.GetOptionalChild("companion_identity_public");
        LinkCodePairingResult result;
        try
        {
            if (bundle is not { ContentKind: NodeContentKind.Bytes } || identity is not { ContentKind: NodeContentKind.Bytes })
            {
                throw new PairingCodeException(PairingCodeFailure.MalformedKeyBundle, "companion_finish lacks its key bundle or identity.");
            }

            result = LinkCodePairing.Finish(account.Identity, hello, bundle.Bytes.Span, identity.Bytes.Span);
            if (!result.CompanionIdentityPublicKey.Span.SequenceEqual(connection.Registering!.Registration.IdentityKey.Span))
            {
                throw new PairingCodeException(PairingCodeFailure.IdentityMismatch, "the bundle's identity is not the one the connection registered with.");
            }
        }
        catch (PairingCodeException e)
        {
            LogFinishRefused(logger, connection.Id, e.Failure.ToString());
            await connection.SendAsync(ServerStanzas.IqError(finish.GetString("id"), IqErrorCode.NotAuthorized), cancellationToken).ConfigureAwait(false);
            return LinkResult.Failed(LinkFailureReason.CodeRefused, $"The companion's key bundle failed ({e.Failure}): {e.Message} Nothing was linked.");
        }

        await connection.SendAsync(ServerStanzas.IqResult(finish), cancellationToken).ConfigureAwait(false);
        registry.Remove(pending);
        return await companionLinking.CompleteAsync(account, connection, result.CompanionIdentityPublicKey, result.AdvSecret, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Null once the companion_finish is there (<see cref="PendingLinkCode.Finish"/>), else why none came: the
    /// companion's connection closed first, or <see cref="SimulatorOptions.IqReplyTimeout"/> passed.
    /// </summary>
    private async Task<LinkResult?> WaitForFinishAsync(PendingLinkCode pending, CancellationToken cancellationToken)
    {
        var deadline = clock.GetUtcNow() + options.IqReplyTimeout;
        while (true)
        {
            try
            {
                await pending.Finish.Task.WaitAsync(PollInterval, cancellationToken).ConfigureAwait(false);
                return null;
            }
            catch (TimeoutException)
            {
                if (pending.Connection.IsClosed)
                {
                    return LinkResult.Failed(LinkFailureReason.CompanionGone, "The companion's connection closed before companion_finish.");
                }

                if (clock.GetUtcNow() >= deadline)
                {
                    return LinkResult.Failed(LinkFailureReason.NoAnswer, $"The companion did not send companion_finish within {options.IqReplyTimeout.TotalSeconds:0} s.");
                }
            }
        }
    }

    [LoggerMessage(EventId = 421, Level = LogLevel.Information, Message = "Connection {Id}: companion_finish refused ({Failure}); nothing linked")]
    private static partial void LogFinishRefused(ILogger logger, long id, string failure);
}

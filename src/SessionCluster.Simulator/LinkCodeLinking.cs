using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using SessionCluster.Protocol.Binary;
using SessionCluster.Simulator.Connections;
using SessionCluster.Protocol.Pairing;

namespace SessionCluster.Simulator;

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
/// the real server's reaction is not in docs/PROTOCOL.md), the pending pairing is dropped, the admin call gets 422, and the
/// connection stays as it was: its pair-device refs still link by QR, and a new companion_hello can start over.</para>
/// </remarks>
internal static partial class LinkCodeLinking
{
    /// <exception cref="AdminProblemException">400 bad code; 404 no account / no companion waiting; 409 a code is being entered; 422 wrong code or refused; 504 no finish.</exception>
    public static async Task<LinkedCompanion> LinkAsync(SimulatorServer server, string phone, string? code, CancellationToken cancellationToken)
    {
        var logger = server.LoggerFactory.CreateLogger(typeof(LinkCodeLinking));
        var account = server.Accounts.Find(phone) ?? throw AdminProblemException.NotFound($"No account for {phone}.");
        string normalized;
        try
        {
            normalized = PairingCode.Normalize(code ?? "");
        }
        catch (PairingCodeException e)
        {
            throw AdminProblemException.BadRequest("The code cannot be read: " + e.Message);
        }

        var pending = server.LinkCodes.FindByPhone(phone)
            ?? throw AdminProblemException.NotFound($"No companion is waiting to be linked to {phone} by code (no companion_hello, or its connection closed).");
        if (!pending.TryBeginAnswer())
        {
            throw new AdminProblemException(409, "Code entry in progress", "A code is already being entered for this companion.");
        }

        var connection = pending.Connection;
        try
        {
            LinkCodePrimaryHello hello;
            try
            {
                hello = LinkCodePairing.AnswerCompanionHello(account.Identity, normalized, pending.WrappedCompanionEphemeral.Span);
            }
            catch (PairingCodeException e)
            {
                throw new AdminProblemException(422, "Companion hello unusable", e.Message);
            }

            pending.Hello = hello;
            var notification = new Node(
                "notification",
                [("from", ServerStanzas.Server), ("id", connection.NextIqId()), ("type", LinkCodeRegistration.Tag), ("t", server.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture))],
                [new Node(LinkCodeRegistration.Tag, null,
                [
                    new Node("link_code_pairing_ref", null, pending.Ref),
                    new Node("link_code_pairing_wrapped_primary_ephemeral_pub", null, hello.WrappedPrimaryEphemeral),
                    new Node("primary_identity_pub", null, hello.PrimaryIdentityPublicKey),
                ])]);
            if (!await connection.SendAsync(notification, cancellationToken).ConfigureAwait(false))
            {
                throw new AdminProblemException(409, "Companion gone", "The companion's connection closed.");
            }

            var finish = await WaitForFinishAsync(server, pending, cancellationToken).ConfigureAwait(false);

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
                throw new AdminProblemException(422, "Pairing code refused", $"The companion's key bundle failed ({e.Failure}): {e.Message} Nothing was linked.");
            }

            await connection.SendAsync(ServerStanzas.IqResult(finish), cancellationToken).ConfigureAwait(false);
            server.LinkCodes.Remove(pending);
            return await CompanionLinking.CompleteAsync(server, account, connection, result.CompanionIdentityPublicKey, result.AdvSecret, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            server.LinkCodes.Remove(pending);
        }
    }

    /// <summary>The companion_finish, or 409 when the companion's connection closes first, 504 after <see cref="SimulatorOptions.IqReplyTimeout"/>.</summary>
    private static async Task<Node> WaitForFinishAsync(SimulatorServer server, PendingLinkCode pending, CancellationToken cancellationToken)
    {
        var deadline = server.Clock.GetUtcNow() + server.Options.IqReplyTimeout;
        while (true)
        {
            try
            {
                return await pending.Finish.Task.WaitAsync(PollInterval, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                if (pending.Connection.IsClosed)
                {
                    throw new AdminProblemException(409, "Companion gone", "The companion's connection closed before companion_finish.");
                }

                if (server.Clock.GetUtcNow() >= deadline)
                {
                    throw new AdminProblemException(504, "No answer", $"The companion did not send companion_finish within {server.Options.IqReplyTimeout.TotalSeconds:0} s.");
                }
            }
        }
    }

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    [LoggerMessage(EventId = 421, Level = LogLevel.Information, Message = "Connection {Id}: companion_finish refused ({Failure}); nothing linked")]
    private static partial void LogFinishRefused(ILogger logger, long id, string failure);
}

/// <summary><c>POST /admin/accounts/{phone}/link-code</c>.</summary>
internal static class LinkCodeAdmin
{
    public static void Map(IEndpointRouteBuilder admin, SimulatorServer server) =>
        admin.MapPost("/accounts/{phone}/link-code", async (string phone, HttpContext context) =>
        {
            try
            {
                LinkCodeRequest? request;
                try
                {
                    request = await JsonSerializer.DeserializeAsync<LinkCodeRequest>(context.Request.Body, JsonSerializerOptions.Web, context.RequestAborted).ConfigureAwait(false);
                }
                catch (JsonException e)
                {
                    throw AdminProblemException.BadRequest("The body is not the expected JSON object: " + e.Message);
                }

                if (string.IsNullOrEmpty(request?.Code))
                {
                    throw AdminProblemException.BadRequest("The body needs \"code\": the pairing code the companion shows (XXXX-XXXX).");
                }

                return Results.Json(await LinkCodeLinking.LinkAsync(server, phone, request.Code, context.RequestAborted).ConfigureAwait(false));
            }
            catch (AdminProblemException e)
            {
                return Results.Problem(statusCode: e.Status, title: e.Title, detail: e.Message);
            }
        });
}

/// <summary><c>POST /admin/accounts/{phone}/link-code</c> body.</summary>
public sealed record LinkCodeRequest(string? Code);

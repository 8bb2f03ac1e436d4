using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SessionCluster.Simulator.Linking;

namespace SessionCluster.Simulator;

/// <summary>
/// <c>POST /admin/accounts/{phone}/link</c> (the phone scans a QR) and <c>POST /admin/accounts/{phone}/link-code</c> (the
/// phone enters a pairing code): the linked device as JSON, or the <see cref="LinkFailure"/> as a problem response.
/// </summary>
internal static class LinkingAdmin
{
    public static void Map(IEndpointRouteBuilder admin, QrLinking qrLinking, LinkCodeLinking linkCodeLinking)
    {
        admin.MapPost("/accounts/{phone}/link", (string phone, HttpContext context) => AdminApi.Guarded(async () =>
        {
            var request = await AdminApi.ReadBodyAsync<LinkRequest>(context).ConfigureAwait(false);
            if (string.IsNullOrEmpty(request.Qr))
            {
                throw AdminProblemException.BadRequest("The body needs \"qr\": the string the companion shows as its QR code.");
            }

            return ToHttp(await qrLinking.LinkAsync(AdminApi.RequirePhone(phone), request.Qr, context.RequestAborted).ConfigureAwait(false));
        }));
        admin.MapPost("/accounts/{phone}/link-code", (string phone, HttpContext context) => AdminApi.Guarded(async () =>
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

            return ToHttp(await linkCodeLinking.LinkAsync(phone, request.Code, context.RequestAborted).ConfigureAwait(false));
        }));
    }

    private static IResult ToHttp(LinkResult result)
    {
        if (result.Succeeded)
        {
            return Results.Json(result.Linked);
        }

        var (status, title) = Problem(result.Failure.Reason);
        return Results.Problem(statusCode: status, title: title, detail: result.Failure.Detail);
    }

    /// <summary>The HTTP status and problem title of each way linking fails (docs/SIMULATOR.md lists them).</summary>
    internal static (int Status, string Title) Problem(LinkFailureReason reason) => reason switch
    {
        LinkFailureReason.UnreadableQr or LinkFailureReason.UnreadableCode => (StatusCodes.Status400BadRequest, "Bad request"),
        LinkFailureReason.NoAccount or LinkFailureReason.UnknownRef or LinkFailureReason.NoCompanionWaiting => (StatusCodes.Status404NotFound, "Not found"),
        LinkFailureReason.RefNotShownYet => (StatusCodes.Status409Conflict, "QR not shown yet"),
        LinkFailureReason.NotRegistering => (StatusCodes.Status409Conflict, "Not registering"),
        LinkFailureReason.LinkInProgress => (StatusCodes.Status409Conflict, "Link in progress"),
        LinkFailureReason.CompanionGone => (StatusCodes.Status409Conflict, "Companion gone"),
        LinkFailureReason.CodeEntryInProgress => (StatusCodes.Status409Conflict, "Code entry in progress"),
        LinkFailureReason.RefExpired => (StatusCodes.Status410Gone, "QR expired"),
        LinkFailureReason.QrKeysMismatch => (StatusCodes.Status422UnprocessableEntity, "QR keys mismatch"),
        LinkFailureReason.CompanionRefused => (StatusCodes.Status422UnprocessableEntity, "Companion refused pair-success"),
        LinkFailureReason.VerificationFailed => (StatusCodes.Status422UnprocessableEntity, "pair-device-sign refused"),
        LinkFailureReason.HelloUnusable => (StatusCodes.Status422UnprocessableEntity, "Companion hello unusable"),
        LinkFailureReason.CodeRefused => (StatusCodes.Status422UnprocessableEntity, "Pairing code refused"),
        LinkFailureReason.NoAnswer => (StatusCodes.Status504GatewayTimeout, "No answer"),
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "A link failure with no HTTP status."),
    };
}

/// <summary><c>POST /admin/accounts/{phone}/link</c> body.</summary>
public sealed record LinkRequest(string? Qr);

/// <summary><c>POST /admin/accounts/{phone}/link-code</c> body.</summary>
public sealed record LinkCodeRequest(string? Code);

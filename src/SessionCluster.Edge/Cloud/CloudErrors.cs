using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace SessionCluster.Edge.Cloud;

/// <summary>
/// Errors in the shape Meta's Cloud API (a Graph API) answers, so that a Cloud client's error handling works unchanged:
/// <c>{"error":{"message","type","code","error_subcode"?,"error_data":{"messaging_product","details"},"fbtrace_id"}}</c>.
/// The <c>code</c>s are Meta's own, chosen for the same condition; <c>message</c> is "(#code) title" as Meta writes it
/// and <c>error_data.details</c> says what to change. <c>fbtrace_id</c> is the request's trace id (in the node's log).
/// </summary>
internal static class CloudErrors
{
    public sealed record Envelope(Error Error);

    public sealed record Error(
        string Message,
        string Type,
        int Code,
        [property: JsonPropertyName("error_subcode"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? ErrorSubcode,
        [property: JsonPropertyName("error_data")] ErrorData ErrorData,
        [property: JsonPropertyName("fbtrace_id")] string FbtraceId);

    public sealed record ErrorData([property: JsonPropertyName("messaging_product")] string MessagingProduct, string Details);

    private const string OAuth = "OAuthException";

    /// <summary>190: the access token is missing or not valid (Graph's OAuthException, HTTP 401).</summary>
    public static IResult InvalidToken(HttpContext http, string details) => Answer(http, StatusCodes.Status401Unauthorized, 190, "Invalid OAuth access token", details);

    /// <summary>10: the token may not act here (Graph's permission error, HTTP 403).</summary>
    public static IResult PermissionDenied(HttpContext http, string details) => Answer(http, StatusCodes.Status403Forbidden, 10, "Application does not have permission for this action", details);

    /// <summary>100 with subcode 33: Graph's answer for an object id that does not exist (or that the token may not see).</summary>
    public static IResult UnknownPhoneNumberId(HttpContext http, string id) => Answer(http, StatusCodes.Status400BadRequest, 100,
        $"Unsupported post request. Object with ID '{id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation",
        "the phone-number-id is the name of a session in your tenant", subcode: 33, type: "GraphMethodException", titled: false);

    /// <summary>100 with subcode 33 on a GET: Graph's answer for a media id that does not exist (or that the token may not see).</summary>
    public static IResult UnknownMedia(HttpContext http, string id, string details) => Answer(http, StatusCodes.Status400BadRequest, 100,
        $"Unsupported get request. Object with ID '{id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation",
        details, subcode: 33, type: "GraphMethodException", titled: false);

    /// <summary>131052: a received file could not be downloaded (the media host no longer has it, it failed its checks, or no host served it).</summary>
    public static IResult MediaDownloadError(HttpContext http, string details) => Answer(http, StatusCodes.Status400BadRequest, 131052, "Media download error", details);

    /// <summary>100: a parameter is malformed (bad JSON, a wrong messaging_product, a bad API version).</summary>
    public static IResult InvalidParameter(HttpContext http, string details) => Answer(http, StatusCodes.Status400BadRequest, 100, "Invalid parameter", details);

    /// <summary>131008: a required parameter is missing.</summary>
    public static IResult MissingParameter(HttpContext http, string details) => Answer(http, StatusCodes.Status400BadRequest, 131008, "Required parameter is missing", details);

    /// <summary>131009: a parameter's value is not valid (a bad recipient, an empty or oversized text, an unknown message id).</summary>
    public static IResult InvalidValue(HttpContext http, string details) => Answer(http, StatusCodes.Status400BadRequest, 131009, "Parameter value is not valid", details);

    /// <summary>131051: a message type (or feature) the facade does not send yet.</summary>
    public static IResult UnsupportedType(HttpContext http, string details) => Answer(http, StatusCodes.Status400BadRequest, 131051, "Unsupported message type", details);

    /// <summary>131053: a media file could not be taken (its link failed, or it is empty or too large).</summary>
    public static IResult MediaUploadError(HttpContext http, string details) => Answer(http, StatusCodes.Status400BadRequest, 131053, "Media upload error", details);

    /// <summary>133010: the phone number (the session) is not registered: not linked to a phone, or logged out.</summary>
    public static IResult NotRegistered(HttpContext http, string details) => Answer(http, StatusCodes.Status400BadRequest, 133010, "Account not registered", details);

    /// <summary>130429: the tenant's send rate is used up; <c>Retry-After</c> says when to try again.</summary>
    public static IResult RateLimited(HttpContext http, string details, TimeSpan retryAfter)
    {
        http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Answer(http, StatusCodes.Status429TooManyRequests, 130429, "Rate limit hit", details);
    }

    /// <summary>131016: the session cannot act now (not connected for a read receipt, its secrets unavailable, no answer in time); safe to retry.</summary>
    public static IResult ServiceUnavailable(HttpContext http, string details) => Answer(http, StatusCodes.Status503ServiceUnavailable, 131016, "Service unavailable", details);

    private static IResult Answer(HttpContext http, int status, int code, string title, string details, int? subcode = null, string type = OAuth, bool titled = true) =>
        Results.Json(new Envelope(new Error(titled ? $"(#{code}) {title}" : title, type, code, subcode, new ErrorData("whatsapp", details), http.TraceIdentifier)),
            CloudJson.Options, statusCode: status);
}

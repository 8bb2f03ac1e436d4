using System.Globalization;
using SessionCluster.Protocol.Binary;

namespace SessionCluster.Protocol.Stanzas;

/// <summary>
/// An iq error's code and text as WhatsApp writes them (XMPP-style texts): the <c>&lt;error code text/&gt;</c> child of an
/// <c>&lt;iq type="error"&gt;</c>, which either side may send.
/// </summary>
public readonly record struct IqErrorCode(int Code, string Text)
{
    /// <summary>400: the request is malformed or breaks a rule of its namespace.</summary>
    public static IqErrorCode BadRequest => new(400, "bad-request");

    /// <summary>401: the sender may not make this request (not logged in, or not its own device).</summary>
    public static IqErrorCode NotAuthorized => new(401, "not-authorized");

    /// <summary>403: the sender is known but may not do this (not a member, not an admin).</summary>
    public static IqErrorCode Forbidden => new(403, "forbidden");

    /// <summary>404: what the request names does not exist.</summary>
    public static IqErrorCode ItemNotFound => new(404, "item-not-found");

    /// <summary>409: the request conflicts with the current state (a stale <c>prev</c> of a group description).</summary>
    public static IqErrorCode Conflict => new(409, "conflict");

    /// <summary>406: well-formed, but not acceptable in the current state.</summary>
    public static IqErrorCode NotAcceptable => new(406, "not-acceptable");

    /// <summary>500: the answering side failed.</summary>
    public static IqErrorCode InternalServerError => new(500, "internal-server-error");

    /// <summary>501: the answering side does not implement this request.</summary>
    public static IqErrorCode FeatureNotImplemented => new(501, "feature-not-implemented");

    /// <summary>The <c>&lt;error code text/&gt;</c> node.</summary>
    public Node ToNode() => new("error", [("code", Code.ToString(CultureInfo.InvariantCulture)), ("text", Text)]);

    /// <summary>
    /// The error of an <c>&lt;iq type="error"&gt;</c>: its <c>&lt;error&gt;</c> child's code and text (text empty when
    /// absent). False for any other stanza, or an error without a numeric code.
    /// </summary>
    public static bool TryRead(Node iq, out IqErrorCode error)
    {
        ArgumentNullException.ThrowIfNull(iq);
        error = default;
        if (iq.Tag != "iq" || iq.GetOptionalString("type") != "error" || iq.GetOptionalChild("error") is not { } child
            || !int.TryParse(child.GetOptionalString("code"), NumberStyles.None, CultureInfo.InvariantCulture, out var code))
        {
            return false;
        }

        error = new IqErrorCode(code, child.GetOptionalString("text") ?? "");
        return true;
    }
}

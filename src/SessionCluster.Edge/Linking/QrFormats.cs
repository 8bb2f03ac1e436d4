using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace SessionCluster.Edge.Linking;

/// <summary>
/// The renderings of <c>GET /v1/sessions/{id}/qr</c> and the <c>Accept</c> negotiation between them: JSON (the default,
/// also for <c>*/*</c> or no <c>Accept</c>), a PNG, or terminal text. The image and the text carry the code's expiry in
/// <c>Expires</c>; none of them may be cached (a QR is a one-time credential for linking).
/// </summary>
internal static class QrFormats
{
    public enum Format
    {
        Json,
        Png,
        Text,
    }

    public const string Json = "application/json";
    public const string Png = "image/png";
    public const string Text = "text/plain";

    public static readonly IReadOnlyList<string> MediaTypes = [Json, Png, Text];

    /// <summary>
    /// The QR's base64 written as is (<c>+</c>, not <c>\u002B</c>): JSON allows it, and a shell script that cuts the
    /// string out with sed (the README's walkthrough) hands the phone the exact string. Relaxed escaping only matters
    /// for JSON embedded in HTML, which this is not.
    /// </summary>
    private static readonly System.Text.Json.JsonSerializerOptions JsonOptions = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The rendering the client prefers (highest <c>q</c>, then the order of <see cref="MediaTypes"/>), or null when it accepts none.</summary>
    public static Format? Choose(HttpRequest request)
    {
        var accept = request.GetTypedHeaders().Accept;
        if (accept.Count == 0)
        {
            return Format.Json;
        }

        Format? best = null;
        var bestQuality = 0.0;
        foreach (var format in (Format[])[Format.Json, Format.Png, Format.Text])
        {
            var quality = Quality(accept, MediaTypeOf(format));
            if (quality > bestQuality)
            {
                (best, bestQuality) = (format, quality);
            }
        }

        return best;
    }

    public static IResult Answer(Format format, QrRoutes.QrResponse qr, HttpResponse response)
    {
        response.Headers.CacheControl = "no-store";
        if (format == Format.Json)
        {
            return Results.Json(qr, JsonOptions);
        }

        response.Headers.Expires = qr.ExpiresAt.ToString("R", CultureInfo.InvariantCulture);
        return format == Format.Png
            ? Results.Bytes(QrRendering.Png(qr.Qr), Png)
            : Results.Text(QrRendering.Terminal(qr.Qr), Text + "; charset=utf-8");
    }

    private static string MediaTypeOf(Format format) => format switch
    {
        Format.Png => Png,
        Format.Text => Text,
        _ => Json,
    };

    /// <summary>The quality the most specific matching range gives <paramref name="mediaType"/> (RFC 9110 §12.5.1), 0 when none matches.</summary>
    private static double Quality(IList<MediaTypeHeaderValue> accept, string mediaType)
    {
        var offered = new MediaTypeHeaderValue(mediaType);
        var (specificity, quality) = (-1, 0.0);
        foreach (var range in accept)
        {
            if (!offered.IsSubsetOf(range))
            {
                continue;
            }

            var rangeSpecificity = range.MatchesAllTypes ? 0 : range.MatchesAllSubTypes ? 1 : 2;
            if (rangeSpecificity > specificity)
            {
                (specificity, quality) = (rangeSpecificity, range.Quality ?? 1.0);
            }
        }

        return quality;
    }
}

using System.Text;
using QRCoder;

namespace SessionCluster.Edge.Linking;

/// <summary>
/// A QR string drawn for a person to scan: a PNG (QRCoder's own encoder, no System.Drawing) or terminal text with
/// Unicode half blocks as <c>qrencode -t utf8</c> draws it: two module rows per line, light modules as blocks and dark
/// ones as spaces (so it scans on a dark terminal), with the 4-module quiet zone the QR standard asks for.
/// </summary>
internal static class QrRendering
{
    /// <summary>Pixels per module: 10 makes a WhatsApp QR (version 6 to 8, 41 to 49 modules plus the quiet zone) about 500 px, easy for a phone camera.</summary>
    public const int PngPixelsPerModule = 10;

    /// <summary>Error correction M (15 %), what WhatsApp Web's own QR uses: enough for a screen photo, small enough to stay a low version.</summary>
    private const QRCodeGenerator.ECCLevel Correction = QRCodeGenerator.ECCLevel.M;

    private const char Full = '█';
    private const char Upper = '▀';
    private const char Lower = '▄';
    private const char Empty = ' ';

    public static byte[] Png(string qr)
    {
        using var data = Encode(qr);
        using var png = new PngByteQRCode(data);
        return png.GetGraphic(PngPixelsPerModule, drawQuietZones: true);
    }

    /// <summary>Lines of <c>(modules + 8)</c> characters, each line two module rows; a row past the bottom counts as light.</summary>
    public static string Terminal(string qr)
    {
        using var data = Encode(qr);
        var matrix = data.ModuleMatrix; // the symbol with its quiet zone, true = dark
        var size = matrix.Count;
        var text = new StringBuilder((size + 1) * ((size + 1) / 2));
        for (var y = 0; y < size; y += 2)
        {
            for (var x = 0; x < size; x++)
            {
                var top = matrix[y][x];
                var bottom = y + 1 < size && matrix[y + 1][x];
                text.Append((top, bottom) switch
                {
                    (true, true) => Empty,
                    (true, false) => Lower,
                    (false, true) => Upper,
                    (false, false) => Full,
                });
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    private static QRCodeData Encode(string qr)
    {
        using var generator = new QRCodeGenerator();
        return generator.CreateQrCode(qr, Correction);
    }
}

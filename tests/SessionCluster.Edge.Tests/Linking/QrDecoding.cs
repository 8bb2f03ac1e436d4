using ZXing;
using ZXing.Common;
using ZXing.QrCode;

namespace SessionCluster.Edge.Tests.Linking;

/// <summary>Reads QR codes back with ZXing.Net: from luminance pixels, and from the modules of the terminal rendering.</summary>
internal static class QrDecoding
{
    /// <summary>The text of the QR code in an 8-bit luminance image (dark = low), or a failed assertion.</summary>
    public static string Decode(byte[] luminance, int width, int height)
    {
        var bitmap = new BinaryBitmap(new HybridBinarizer(new PlanarYUVLuminanceSource(luminance, width, height, 0, 0, width, height, false)));
        var result = new QRCodeReader().decode(bitmap, new Dictionary<DecodeHintType, object> { [DecodeHintType.PURE_BARCODE] = false, [DecodeHintType.TRY_HARDER] = true });
        Assert.True(result is not null, $"ZXing found no QR code in the {width}x{height} image");
        return result.Text;
    }

    /// <summary>
    /// The module matrix of a half-block rendering (as <c>qrencode -t utf8</c> draws it: a block is light, a space dark,
    /// ▀ light above dark below, ▄ dark above light below), two rows per line.
    /// </summary>
    public static bool[][] ModulesOfTerminalText(string text)
    {
        var lines = text.TrimEnd('\n').Split('\n');
        var rows = new List<bool[]>();
        foreach (var line in lines)
        {
            var top = new bool[line.Length];
            var bottom = new bool[line.Length];
            for (var x = 0; x < line.Length; x++)
            {
                (top[x], bottom[x]) = line[x] switch
                {
                    '█' => (false, false),
                    ' ' => (true, true),
                    '▀' => (false, true),
                    '▄' => (true, false),
                    var other => throw new Xunit.Sdk.XunitException($"unexpected character U+{(int)other:X4} in the terminal QR"),
                };
            }

            rows.Add(top);
            rows.Add(bottom);
        }

        return [.. rows];
    }

    /// <summary>The QR text of a module matrix (true = dark), drawn at 4 pixels per module for the reader.</summary>
    public static string Decode(bool[][] modules)
    {
        const int scale = 4;
        var width = modules[0].Length * scale;
        var height = modules.Length * scale;
        var pixels = new byte[width * height];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                pixels[y * width + x] = modules[y / scale][x / scale] ? (byte)0 : (byte)255;
            }
        }

        return Decode(pixels, width, height);
    }
}

using System.Buffers.Binary;
using System.IO.Compression;

namespace SessionCluster.Edge.Tests.Linking;

/// <summary>
/// Reads a PNG's pixels as 8-bit luminance, the input a barcode reader takes: the chunks, the zlib stream of IDAT, each
/// scanline's filter undone (PNG spec §9), then grey or palette samples of 1 to 8 bits widened to a byte. Only what a
/// QR code's PNG uses (no interlace, no colour types with RGB samples): anything else fails the test that reads it.
/// </summary>
internal static class PngLuminance
{
    private static ReadOnlySpan<byte> Signature => [137, 80, 78, 71, 13, 10, 26, 10];

    public static (byte[] Pixels, int Width, int Height) Read(byte[] png)
    {
        Assert.True(png.AsSpan(0, 8).SequenceEqual(Signature), "not a PNG signature");
        int width = 0, height = 0, depth = 0, colorType = 0;
        byte[]? palette = null;
        using var idat = new MemoryStream();
        for (var at = 8; at < png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            var type = System.Text.Encoding.ASCII.GetString(png, at + 4, 4);
            var data = png.AsSpan(at + 8, length);
            switch (type)
            {
                case "IHDR":
                    width = BinaryPrimitives.ReadInt32BigEndian(data);
                    height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                    (depth, colorType) = (data[8], data[9]);
                    Assert.Equal(0, data[12]); // no interlace
                    break;
                case "PLTE":
                    palette = data.ToArray();
                    break;
                case "IDAT":
                    idat.Write(data);
                    break;
            }

            at += 12 + length;
        }

        Assert.True(colorType is 0 or 3 && depth is 1 or 2 or 4 or 8, $"colour type {colorType} at depth {depth} is not read here");
        var stride = (width * depth + 7) / 8;
        var raw = Inflate(idat.ToArray());
        Assert.Equal(height * (stride + 1), raw.Length);

        var pixels = new byte[width * height];
        var previous = new byte[stride];
        for (var y = 0; y < height; y++)
        {
            var line = raw.AsSpan(y * (stride + 1) + 1, stride);
            Unfilter(raw[y * (stride + 1)], line, previous, Math.Max(1, depth / 8));
            for (var x = 0; x < width; x++)
            {
                var bit = x * depth;
                var sample = (line[bit / 8] >> (8 - depth - bit % 8)) & ((1 << depth) - 1);
                pixels[y * width + x] = colorType == 3
                    ? Grey(palette!, sample)
                    : (byte)(sample * 255 / ((1 << depth) - 1));
            }

            line.CopyTo(previous);
        }

        return (pixels, width, height);
    }

    private static byte[] Inflate(byte[] zlib)
    {
        using var input = new ZLibStream(new MemoryStream(zlib), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    private static void Unfilter(byte filter, Span<byte> line, ReadOnlySpan<byte> previous, int bytesPerPixel)
    {
        for (var i = 0; i < line.Length; i++)
        {
            int left = i >= bytesPerPixel ? line[i - bytesPerPixel] : 0, up = previous[i], upLeft = i >= bytesPerPixel ? previous[i - bytesPerPixel] : 0;
            line[i] += filter switch
            {
                0 => 0,
                1 => (byte)left,
                2 => (byte)up,
                3 => (byte)((left + up) / 2),
                4 => Paeth(left, up, upLeft),
                _ => throw new InvalidDataException($"PNG filter {filter}"),
            };
        }
    }

    private static byte Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return (byte)(pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
    }

    private static byte Grey(byte[] palette, int index) =>
        (byte)((palette[index * 3] * 299 + palette[index * 3 + 1] * 587 + palette[index * 3 + 2] * 114) / 1000);
}

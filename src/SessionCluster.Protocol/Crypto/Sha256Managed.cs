using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SessionCluster.Protocol.Crypto;

/// <summary>
/// SHA-256 (FIPS 180-4) in portable C#, used where OpenSSL's low-level SHA-256 cannot be loaded. .NET's
/// own SHA-256 cannot stand in: it does not expose the intermediate state HMAC midstates need. About
/// five times slower than SHA-NI, still faster than an HMAC through .NET's OpenSSL (EVP) path.
/// </summary>
/// <remarks>
/// State layout inside the 128-byte <see cref="Sha256Context"/>: words 0–7 the chaining value, 8–9 the
/// byte count, 10–25 the partial block, 26 its length. All of it derives from the hashed data.
/// </remarks>
[SkipLocalsInit]
internal static class Sha256Managed
{
    private const int StateWords = 8;
    private const int CountWord = 8;
    private const int BufferWord = 10;
    private const int BufferedWord = 26;

    private static ReadOnlySpan<uint> RoundConstants =>
    [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ];

    public static void Init(ref Sha256Context context)
    {
        Span<uint> words = context;
        words.Clear();
        words[0] = 0x6a09e667;
        words[1] = 0xbb67ae85;
        words[2] = 0x3c6ef372;
        words[3] = 0xa54ff53a;
        words[4] = 0x510e527f;
        words[5] = 0x9b05688c;
        words[6] = 0x1f83d9ab;
        words[7] = 0x5be0cd19;
    }

    public static void Update(ref Sha256Context context, ReadOnlySpan<byte> data)
    {
        Span<uint> words = context;
        var state = words[..StateWords];
        var buffer = MemoryMarshal.AsBytes(words.Slice(BufferWord, Sha256Context.BlockSize / sizeof(uint)));
        var buffered = (int)words[BufferedWord];

        var count = ReadCount(words) + (ulong)data.Length;
        WriteCount(words, count);

        if (buffered > 0)
        {
            var take = Math.Min(Sha256Context.BlockSize - buffered, data.Length);
            data[..take].CopyTo(buffer[buffered..]);
            buffered += take;
            data = data[take..];
            if (buffered < Sha256Context.BlockSize)
            {
                words[BufferedWord] = (uint)buffered;
                return;
            }

            Compress(state, buffer);
            buffered = 0;
        }

        while (data.Length >= Sha256Context.BlockSize)
        {
            Compress(state, data[..Sha256Context.BlockSize]);
            data = data[Sha256Context.BlockSize..];
        }

        data.CopyTo(buffer);
        words[BufferedWord] = (uint)data.Length;
    }

    public static void Final(ref Sha256Context context, Span<byte> digest)
    {
        if (digest.Length < Sha256Context.DigestSize)
        {
            throw new ArgumentException($"The digest needs {Sha256Context.DigestSize} bytes.", nameof(digest));
        }

        Span<uint> words = context;
        var state = words[..StateWords];
        var buffer = MemoryMarshal.AsBytes(words.Slice(BufferWord, Sha256Context.BlockSize / sizeof(uint)));
        var buffered = (int)words[BufferedWord];
        var bitCount = ReadCount(words) * 8;

        buffer[buffered++] = 0x80;
        if (buffered > Sha256Context.BlockSize - sizeof(ulong))
        {
            buffer[buffered..].Clear();
            Compress(state, buffer);
            buffered = 0;
        }

        buffer[buffered..^sizeof(ulong)].Clear();
        BinaryPrimitives.WriteUInt64BigEndian(buffer[^sizeof(ulong)..], bitCount);
        Compress(state, buffer);

        for (var i = 0; i < StateWords; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(digest[(i * 4)..], state[i]);
        }

        words[StateWords..(BufferedWord + 1)].Clear();
    }

    private static ulong ReadCount(Span<uint> words) => words[CountWord] | ((ulong)words[CountWord + 1] << 32);

    private static void WriteCount(Span<uint> words, ulong count)
    {
        words[CountWord] = (uint)count;
        words[CountWord + 1] = (uint)(count >> 32);
    }

    private static void Compress(Span<uint> state, ReadOnlySpan<byte> block)
    {
        Span<uint> schedule = stackalloc uint[64];
        for (var i = 0; i < 16; i++)
        {
            schedule[i] = BinaryPrimitives.ReadUInt32BigEndian(block[(i * 4)..]);
        }

        for (var i = 16; i < 64; i++)
        {
            var w15 = schedule[i - 15];
            var w2 = schedule[i - 2];
            var s0 = BitOperations.RotateRight(w15, 7) ^ BitOperations.RotateRight(w15, 18) ^ (w15 >> 3);
            var s1 = BitOperations.RotateRight(w2, 17) ^ BitOperations.RotateRight(w2, 19) ^ (w2 >> 10);
            schedule[i] = schedule[i - 16] + s0 + schedule[i - 7] + s1;
        }

        uint a = state[0], b = state[1], c = state[2], d = state[3], e = state[4], f = state[5], g = state[6], h = state[7];
        var k = RoundConstants;
        for (var i = 0; i < 64; i++)
        {
            var sum1 = BitOperations.RotateRight(e, 6) ^ BitOperations.RotateRight(e, 11) ^ BitOperations.RotateRight(e, 25);
            var choice = (e & f) ^ (~e & g);
            var t1 = h + sum1 + choice + k[i] + schedule[i];
            var sum0 = BitOperations.RotateRight(a, 2) ^ BitOperations.RotateRight(a, 13) ^ BitOperations.RotateRight(a, 22);
            var majority = (a & b) ^ (a & c) ^ (b & c);
            var t2 = sum0 + majority;
            h = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }

        state[0] += a;
        state[1] += b;
        state[2] += c;
        state[3] += d;
        state[4] += e;
        state[5] += f;
        state[6] += g;
        state[7] += h;
        schedule.Clear();
    }
}

using System.Buffers.Binary;

namespace SessionCluster.Protocol.Crypto;

/// <summary>
/// Just enough arithmetic in GF(2^255 − 19) to map Montgomery u to Edwards y for XEdDSA verification:
/// five 51-bit limbs multiplied in 128 bits. Replaces BigInteger.ModPow, which took ~70 µs per
/// verification here; only public values pass through, so variable time would be acceptable, but the
/// code is branch-free anyway.
/// </summary>
internal struct Field25519
{
    private const ulong Mask51 = (1UL << 51) - 1;

    private ulong _0;
    private ulong _1;
    private ulong _2;
    private ulong _3;
    private ulong _4;

    private Field25519(ulong l0, ulong l1, ulong l2, ulong l3, ulong l4)
    {
        _0 = l0;
        _1 = l1;
        _2 = l2;
        _3 = l3;
        _4 = l4;
    }

    public static Field25519 One => new(1, 0, 0, 0, 0);

    /// <summary>Little-endian 32 bytes; bit 255 is ignored, as RFC 7748 says for u-coordinates.</summary>
    public static Field25519 FromBytes(ReadOnlySpan<byte> bytes)
    {
        var w0 = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        var w1 = BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]);
        var w2 = BinaryPrimitives.ReadUInt64LittleEndian(bytes[16..]);
        var w3 = BinaryPrimitives.ReadUInt64LittleEndian(bytes[24..]);
        return new Field25519(
            w0 & Mask51,
            ((w0 >> 51) | (w1 << 13)) & Mask51,
            ((w1 >> 38) | (w2 << 26)) & Mask51,
            ((w2 >> 25) | (w3 << 39)) & Mask51,
            (w3 >> 12) & Mask51);
    }

    /// <summary>The canonical (fully reduced) little-endian encoding.</summary>
    public readonly void ToBytes(Span<byte> destination)
    {
        var h = this;
        h.Carry();
        h.Carry();

        // Now h < 2^255. h ≥ p exactly when h + 19 reaches 2^255; then h − p = (h + 19) mod 2^255.
        var t = new Field25519(h._0 + 19, h._1, h._2, h._3, h._4);
        t.CarryWithoutWrap(out var overflow);
        var useT = 0UL - overflow; // all ones when h ≥ p
        var r0 = (t._0 & useT) | (h._0 & ~useT);
        var r1 = (t._1 & useT) | (h._1 & ~useT);
        var r2 = (t._2 & useT) | (h._2 & ~useT);
        var r3 = (t._3 & useT) | (h._3 & ~useT);
        var r4 = (t._4 & useT) | (h._4 & ~useT);

        BinaryPrimitives.WriteUInt64LittleEndian(destination, r0 | (r1 << 51));
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], (r1 >> 13) | (r2 << 38));
        BinaryPrimitives.WriteUInt64LittleEndian(destination[16..], (r2 >> 26) | (r3 << 25));
        BinaryPrimitives.WriteUInt64LittleEndian(destination[24..], (r3 >> 39) | (r4 << 12));
    }

    public static Field25519 operator +(Field25519 f, Field25519 g) =>
        new(f._0 + g._0, f._1 + g._1, f._2 + g._2, f._3 + g._3, f._4 + g._4);

    /// <summary>f − g, adding 2p first so no limb underflows (limbs of g stay below 2^52).</summary>
    public static Field25519 operator -(Field25519 f, Field25519 g)
    {
        var h = new Field25519(
            f._0 + 0xFFFFFFFFFFFDA - g._0,
            f._1 + 0xFFFFFFFFFFFFE - g._1,
            f._2 + 0xFFFFFFFFFFFFE - g._2,
            f._3 + 0xFFFFFFFFFFFFE - g._3,
            f._4 + 0xFFFFFFFFFFFFE - g._4);
        h.Carry();
        return h;
    }

    public static Field25519 operator *(Field25519 f, Field25519 g)
    {
        ulong g1 = g._1 * 19, g2 = g._2 * 19, g3 = g._3 * 19, g4 = g._4 * 19;
        var r0 = Mul(f._0, g._0) + Mul(f._1, g4) + Mul(f._2, g3) + Mul(f._3, g2) + Mul(f._4, g1);
        var r1 = Mul(f._0, g._1) + Mul(f._1, g._0) + Mul(f._2, g4) + Mul(f._3, g3) + Mul(f._4, g2);
        var r2 = Mul(f._0, g._2) + Mul(f._1, g._1) + Mul(f._2, g._0) + Mul(f._3, g4) + Mul(f._4, g3);
        var r3 = Mul(f._0, g._3) + Mul(f._1, g._2) + Mul(f._2, g._1) + Mul(f._3, g._0) + Mul(f._4, g4);
        var r4 = Mul(f._0, g._4) + Mul(f._1, g._3) + Mul(f._2, g._2) + Mul(f._3, g._1) + Mul(f._4, g._0);
        return Reduce(r0, r1, r2, r3, r4);
    }

    /// <summary>Whether the element is zero modulo p.</summary>
    public readonly bool IsZero()
    {
        Span<byte> bytes = stackalloc byte[32];
        ToBytes(bytes);
        return !bytes.ContainsAnyExcept((byte)0);
    }

    /// <summary>z^(p−2) = 1/z, with the usual addition chain (254 squarings, 11 multiplications).</summary>
    public readonly Field25519 Invert()
    {
        var z = this;
        var z2 = z.Square();
        var z9 = z2.SquareTimes(2) * z;
        var z11 = z9 * z2;
        var z5_0 = z11.Square() * z9;
        var z10_0 = z5_0.SquareTimes(5) * z5_0;
        var z20_0 = z10_0.SquareTimes(10) * z10_0;
        var z40_0 = z20_0.SquareTimes(20) * z20_0;
        var z50_0 = z40_0.SquareTimes(10) * z10_0;
        var z100_0 = z50_0.SquareTimes(50) * z50_0;
        var z200_0 = z100_0.SquareTimes(100) * z100_0;
        var z250_0 = z200_0.SquareTimes(50) * z50_0;
        return z250_0.SquareTimes(5) * z11;
    }

    private readonly Field25519 Square() => this * this;

    private readonly Field25519 SquareTimes(int count)
    {
        var h = this;
        for (var i = 0; i < count; i++)
        {
            h = h * h;
        }

        return h;
    }

    private static UInt128 Mul(ulong a, ulong b) => Math.BigMul(a, b);

    private static Field25519 Reduce(UInt128 r0, UInt128 r1, UInt128 r2, UInt128 r3, UInt128 r4)
    {
        r1 += (ulong)(r0 >> 51);
        var l0 = (ulong)r0 & Mask51;
        r2 += (ulong)(r1 >> 51);
        var l1 = (ulong)r1 & Mask51;
        r3 += (ulong)(r2 >> 51);
        var l2 = (ulong)r2 & Mask51;
        r4 += (ulong)(r3 >> 51);
        var l3 = (ulong)r3 & Mask51;
        var carry = (ulong)(r4 >> 51);
        var l4 = (ulong)r4 & Mask51;
        l0 += carry * 19;
        l1 += l0 >> 51;
        l0 &= Mask51;
        return new Field25519(l0, l1, l2, l3, l4);
    }

    // One pass of carries, folding the top carry back in as ×19 (2^255 ≡ 19).
    private void Carry()
    {
        CarryWithoutWrap(out var top);
        _0 += top * 19;
    }

    // Carries without folding: what spills past bit 255 is reported instead.
    private void CarryWithoutWrap(out ulong overflow)
    {
        _1 += _0 >> 51;
        _0 &= Mask51;
        _2 += _1 >> 51;
        _1 &= Mask51;
        _3 += _2 >> 51;
        _2 &= Mask51;
        _4 += _3 >> 51;
        _3 &= Mask51;
        overflow = _4 >> 51;
        _4 &= Mask51;
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;
using X86Aes = System.Runtime.Intrinsics.X86.Aes;

namespace SessionCluster.Protocol.Crypto;

/// <summary>
/// AES-256-CBC on AES-NI (<see cref="X86Aes"/>): the key schedule and every round in registers, no native
/// call, no allocation. Signal encrypts each message under a fresh key, so the key schedule is paid per
/// message, and OpenSSL's per-call setup (~1 µs through .NET) dwarfs the ~100 ns of actual work.
/// </summary>
/// <remarks>
/// Only <see cref="AesCbc"/> calls this, after validating lengths; the spans here are exactly as long as
/// the comments say. Round keys live in stack memory that is cleared before returning.
/// </remarks>
[SkipLocalsInit]
internal static class AesNiCbc
{
    public const int BlockSize = 16;
    private const int Rounds = 14;

    public static bool IsSupported => X86Aes.IsSupported && Sse2.IsSupported;

    /// <summary>
    /// Encrypts <paramref name="plaintext"/> with PKCS#7 padding into <paramref name="ciphertext"/> (which has
    /// room for the padded length and may start at the same address). Returns the ciphertext length.
    /// </summary>
    public static int Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext)
    {
        Unsafe.SkipInit(out RoundKeys keys);
        ExpandKey(key, ref keys);

        ref var source = ref MemoryMarshal.GetReference(plaintext);
        ref var target = ref MemoryMarshal.GetReference(ciphertext);
        var chain = Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(iv));
        var whole = (nuint)(plaintext.Length & ~(BlockSize - 1));
        for (nuint offset = 0; offset < whole; offset += BlockSize)
        {
            chain = EncryptBlock(Vector128.LoadUnsafe(ref source, offset) ^ chain, ref keys);
            chain.StoreUnsafe(ref target, offset);
        }

        // PKCS#7: 1–16 bytes, each holding the padding length; a whole block of 16s after an aligned message.
        var tail = plaintext.Length - (int)whole;
        Span<byte> last = stackalloc byte[BlockSize];
        last.Fill((byte)(BlockSize - tail));
        plaintext[(int)whole..].CopyTo(last);
        chain = EncryptBlock(Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(last)) ^ chain, ref keys);
        chain.StoreUnsafe(ref target, whole);

        last.Clear();
        keys.Wipe();
        return (int)whole + BlockSize;
    }

    /// <summary>
    /// Decrypts <paramref name="ciphertext"/> (a non-zero multiple of 16 bytes). The last block is decrypted
    /// first and its padding checked in constant time; only then is anything written. Returns the
    /// plaintext length, or −1 for bad padding (nothing written); throws if <paramref name="plaintext"/> is
    /// too short for the result (nothing written). The plaintext may start at the ciphertext's address.
    /// </summary>
    public static int Decrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> ciphertext, Span<byte> plaintext)
    {
        Unsafe.SkipInit(out RoundKeys keys);
        ExpandKey(key, ref keys);
        InvertKeys(ref keys);

        ref var source = ref MemoryMarshal.GetReference(ciphertext);
        ref var target = ref MemoryMarshal.GetReference(plaintext);
        var lastOffset = (nuint)(ciphertext.Length - BlockSize);
        var chain = Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(iv));
        var beforeLast = lastOffset == 0 ? chain : Vector128.LoadUnsafe(ref source, lastOffset - BlockSize);
        var last = DecryptBlock(Vector128.LoadUnsafe(ref source, lastOffset), ref keys) ^ beforeLast;

        var padding = AesCbc.CheckPadding(last);
        if (padding == 0)
        {
            keys.Wipe();
            return -1;
        }

        var length = (int)lastOffset + BlockSize - padding;
        if (plaintext.Length < length)
        {
            keys.Wipe();
            AesCbc.ThrowPlaintextTooSmall(length);
        }

        // Four blocks at a time: CBC decryption has no chain between blocks, so the rounds interleave.
        nuint offset = 0;
        for (; offset + (4 * BlockSize) <= lastOffset; offset += 4 * BlockSize)
        {
            var c0 = Vector128.LoadUnsafe(ref source, offset);
            var c1 = Vector128.LoadUnsafe(ref source, offset + BlockSize);
            var c2 = Vector128.LoadUnsafe(ref source, offset + (2 * BlockSize));
            var c3 = Vector128.LoadUnsafe(ref source, offset + (3 * BlockSize));
            DecryptBlocks(c0, c1, c2, c3, ref keys, out var p0, out var p1, out var p2, out var p3);
            (p0 ^ chain).StoreUnsafe(ref target, offset);
            (p1 ^ c0).StoreUnsafe(ref target, offset + BlockSize);
            (p2 ^ c1).StoreUnsafe(ref target, offset + (2 * BlockSize));
            (p3 ^ c2).StoreUnsafe(ref target, offset + (3 * BlockSize));
            chain = c3;
        }

        for (; offset < lastOffset; offset += BlockSize)
        {
            var block = Vector128.LoadUnsafe(ref source, offset);
            (DecryptBlock(block, ref keys) ^ chain).StoreUnsafe(ref target, offset);
            chain = block;
        }

        Span<byte> lastBytes = stackalloc byte[BlockSize];
        last.StoreUnsafe(ref MemoryMarshal.GetReference(lastBytes));
        lastBytes[..(BlockSize - padding)].CopyTo(plaintext[(int)lastOffset..]);

        lastBytes.Clear();
        keys.Wipe();
        return length;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> EncryptBlock(Vector128<byte> block, ref RoundKeys keys)
    {
        block ^= keys[0];
        block = X86Aes.Encrypt(block, keys[1]);
        block = X86Aes.Encrypt(block, keys[2]);
        block = X86Aes.Encrypt(block, keys[3]);
        block = X86Aes.Encrypt(block, keys[4]);
        block = X86Aes.Encrypt(block, keys[5]);
        block = X86Aes.Encrypt(block, keys[6]);
        block = X86Aes.Encrypt(block, keys[7]);
        block = X86Aes.Encrypt(block, keys[8]);
        block = X86Aes.Encrypt(block, keys[9]);
        block = X86Aes.Encrypt(block, keys[10]);
        block = X86Aes.Encrypt(block, keys[11]);
        block = X86Aes.Encrypt(block, keys[12]);
        block = X86Aes.Encrypt(block, keys[13]);
        return X86Aes.EncryptLast(block, keys[14]);
    }

    /// <summary>One block through the equivalent inverse cipher; <paramref name="keys"/> went through <see cref="InvertKeys"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> DecryptBlock(Vector128<byte> block, ref RoundKeys keys)
    {
        block ^= keys[0];
        for (var round = 1; round < Rounds; round++)
        {
            block = X86Aes.Decrypt(block, keys[round]);
        }

        return X86Aes.DecryptLast(block, keys[Rounds]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DecryptBlocks(
        Vector128<byte> c0, Vector128<byte> c1, Vector128<byte> c2, Vector128<byte> c3, ref RoundKeys keys,
        out Vector128<byte> p0, out Vector128<byte> p1, out Vector128<byte> p2, out Vector128<byte> p3)
    {
        var key = keys[0];
        p0 = c0 ^ key;
        p1 = c1 ^ key;
        p2 = c2 ^ key;
        p3 = c3 ^ key;
        for (var round = 1; round < Rounds; round++)
        {
            key = keys[round];
            p0 = X86Aes.Decrypt(p0, key);
            p1 = X86Aes.Decrypt(p1, key);
            p2 = X86Aes.Decrypt(p2, key);
            p3 = X86Aes.Decrypt(p3, key);
        }

        key = keys[Rounds];
        p0 = X86Aes.DecryptLast(p0, key);
        p1 = X86Aes.DecryptLast(p1, key);
        p2 = X86Aes.DecryptLast(p2, key);
        p3 = X86Aes.DecryptLast(p3, key);
    }

    /// <summary>FIPS-197 §5.2 for a 256-bit key, two round keys per RCON step (Intel's AES-NI white paper, fig. 26).</summary>
    private static void ExpandKey(ReadOnlySpan<byte> key, ref RoundKeys keys)
    {
        ref var start = ref MemoryMarshal.GetReference(key);
        var even = Vector128.LoadUnsafe(ref start);
        var odd = Vector128.LoadUnsafe(ref start, BlockSize);
        keys[0] = even;
        keys[1] = odd;

        // KeygenAssist needs constant RCON values, hence no loop.
        even = NextEven(even, X86Aes.KeygenAssist(odd, 0x01));
        keys[2] = even;
        odd = NextOdd(odd, X86Aes.KeygenAssist(even, 0x00));
        keys[3] = odd;
        even = NextEven(even, X86Aes.KeygenAssist(odd, 0x02));
        keys[4] = even;
        odd = NextOdd(odd, X86Aes.KeygenAssist(even, 0x00));
        keys[5] = odd;
        even = NextEven(even, X86Aes.KeygenAssist(odd, 0x04));
        keys[6] = even;
        odd = NextOdd(odd, X86Aes.KeygenAssist(even, 0x00));
        keys[7] = odd;
        even = NextEven(even, X86Aes.KeygenAssist(odd, 0x08));
        keys[8] = even;
        odd = NextOdd(odd, X86Aes.KeygenAssist(even, 0x00));
        keys[9] = odd;
        even = NextEven(even, X86Aes.KeygenAssist(odd, 0x10));
        keys[10] = even;
        odd = NextOdd(odd, X86Aes.KeygenAssist(even, 0x00));
        keys[11] = odd;
        even = NextEven(even, X86Aes.KeygenAssist(odd, 0x20));
        keys[12] = even;
        odd = NextOdd(odd, X86Aes.KeygenAssist(even, 0x00));
        keys[13] = odd;
        keys[14] = NextEven(even, X86Aes.KeygenAssist(odd, 0x40));
    }

    /// <summary>Round keys for the equivalent inverse cipher: reversed, inner ones through InvMixColumns (FIPS-197 §5.3.5).</summary>
    private static void InvertKeys(ref RoundKeys keys)
    {
        for (int low = 0, high = Rounds; low < high; low++, high--)
        {
            (keys[low], keys[high]) = (keys[high], keys[low]);
        }

        for (var round = 1; round < Rounds; round++)
        {
            keys[round] = X86Aes.InverseMixColumns(keys[round]);
        }
    }

    /// <summary>w[i..i+3] from w[i−8..i−5]: SubWord(RotWord(w[i−1])) ⊕ RCON comes from KeygenAssist's top word.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> NextEven(Vector128<byte> previous, Vector128<byte> assist) =>
        Spread(previous) ^ Sse2.Shuffle(assist.AsUInt32(), 0xFF).AsByte();

    /// <summary>w[i..i+3] from w[i−8..i−5]: SubWord(w[i−1]) (no rotation, no RCON) comes from KeygenAssist's third word.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> NextOdd(Vector128<byte> previous, Vector128<byte> assist) =>
        Spread(previous) ^ Sse2.Shuffle(assist.AsUInt32(), 0xAA).AsByte();

    /// <summary>Each word becomes the XOR of itself and all lower words: w0, w0⊕w1, w0⊕w1⊕w2, w0⊕w1⊕w2⊕w3.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Spread(Vector128<byte> words)
    {
        words ^= Sse2.ShiftLeftLogical128BitLane(words, 4);
        return words ^ Sse2.ShiftLeftLogical128BitLane(words, 8);
    }

    [InlineArray(Rounds + 1)]
    private struct RoundKeys
    {
        private Vector128<byte> _key0;

        /// <summary>Clears the schedule through a call the JIT cannot drop as a dead store.</summary>
        public void Wipe() =>
            CryptographicOperations.ZeroMemory(MemoryMarshal.CreateSpan(ref Unsafe.As<RoundKeys, byte>(ref this), Unsafe.SizeOf<RoundKeys>()));
    }
}

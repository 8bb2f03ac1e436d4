using System.Buffers.Binary;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace SessionCluster.Protocol.Crypto;

/// <summary>
/// OpenSSL's low-level SHA-256 (<c>SHA256_Init/Update/Final</c>, deprecated in 3.0 but exported by every
/// libcrypto.so.3 and 1.1). They run SHA-NI where the CPU has it and, unlike .NET's hashing (OpenSSL's EVP
/// layer), cost a few nanoseconds per call and expose the context, which HMAC midstates need.
/// </summary>
/// <remarks>
/// <para>
/// Loading: "libcrypto.so.3" through the normal probing (the same library .NET's own cryptography has
/// loaded), then "libcrypto.so". The assembly's single <see cref="NativeLibrary.SetDllImportResolver"/>
/// slot belongs to <see cref="Sodium"/>, so the second name is tried from the load context's
/// <see cref="AssemblyLoadContext.ResolvingUnmanagedDll"/> event, which only fires when probing failed.
/// </para>
/// <para>
/// <see cref="IsAvailable"/> is decided once by a self-test: known digests, a copied midstate, and a check
/// that OpenSSL writes nothing past the 112 bytes of <c>SHA256_CTX</c>. Any failure (no library, symbols
/// compiled out, unexpected layout) leaves it false and callers use <see cref="Sha256Managed"/>.
/// </para>
/// <para>
/// The imports take pointers only, so they need no marshalling stub and the JIT inlines the call: about
/// 1.2 ns each (an HMAC makes four). <see cref="SuppressGCTransitionAttribute"/> measured 0.96 ns, a saving
/// of ~1 ns in ~90, not worth stalling garbage collections for as long as a large update runs. One SHA-256
/// block costs ~37 ns with SHA-NI on this machine's EPYC (latency-bound), and that is what an HMAC's
/// time is made of.
/// </para>
/// </remarks>
internal static unsafe partial class Sha256Native
{
    private const string LibraryName = "libcrypto.so.3";
    private const string FallbackLibraryName = "libcrypto.so";

    private static readonly Sha256Context Pristine;

    static Sha256Native()
    {
        AssemblyLoadContext.GetLoadContext(typeof(Sha256Native).Assembly)!.ResolvingUnmanagedDll += ResolveFallback;
        IsAvailable = SelfTest();
        if (IsAvailable)
        {
            var context = default(Sha256Context);
            SHA256_Init(&context);
            context.Claim(Sha256Backend.Native);
            Pristine = context;
        }
    }

    /// <summary>Whether OpenSSL's SHA-256 loaded and passed the self-test.</summary>
    public static bool IsAvailable { get; }

    /// <summary>The backend new contexts and keys use unless a test asks for a specific one.</summary>
    public static Sha256Backend DefaultBackend => IsAvailable ? Sha256Backend.Native : Sha256Backend.Managed;

    /// <summary>
    /// <c>SHA256_Init</c>'s result, tagged <see cref="Sha256Backend.Native"/>; copying it saves a native call per
    /// context. Throws if OpenSSL is not available, so a native context can never hold anything else.
    /// </summary>
    public static Sha256Context InitialContext
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            if (!IsAvailable)
            {
                ThrowUnavailable();
            }

            return Pristine;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Update(ref Sha256Context context, ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        fixed (Sha256Context* pointer = &context)
        fixed (byte* bytes = data)
        {
            SHA256_Update(pointer, bytes, (nuint)data.Length);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Final(ref Sha256Context context, Span<byte> digest)
    {
        if (digest.Length < Sha256Context.DigestSize)
        {
            ThrowDigestTooSmall();
        }

        fixed (Sha256Context* pointer = &context)
        fixed (byte* output = digest)
        {
            SHA256_Final(output, pointer);
        }
    }

    /// <summary>
    /// Writes the running state's eight words big-endian: the digest, when the data hashed so far was already
    /// padded by the caller (whole blocks fed through <see cref="Update"/>, so <c>num</c> stays 0 and no
    /// <c>SHA256_Final</c> is needed). <c>SHA256_CTX</c> starts with <c>uint h[8]</c>; the self-test checks this.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteState(ref Sha256Context context, Span<byte> digest)
    {
        if (digest.Length < Sha256Context.DigestSize)
        {
            ThrowDigestTooSmall();
        }

        for (var i = 0; i < Sha256Context.DigestSize / sizeof(uint); i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(digest[(i * sizeof(uint))..], context[i]);
        }
    }

    private static void ThrowUnavailable() =>
        throw new InvalidOperationException("OpenSSL's SHA-256 is not available; use the managed backend.");

    private static void ThrowDigestTooSmall() =>
        throw new ArgumentException($"The digest needs {Sha256Context.DigestSize} bytes.", "digest");

    private static IntPtr ResolveFallback(Assembly assembly, string name)
    {
        if (name != LibraryName || assembly != typeof(Sha256Native).Assembly)
        {
            return IntPtr.Zero;
        }

        return NativeLibrary.TryLoad(FallbackLibraryName, assembly, null, out var handle) ? handle : IntPtr.Zero;
    }

    private static bool SelfTest()
    {
        try
        {
            return DigestsMatch();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return false;
        }
    }

    private static bool DigestsMatch()
    {
        const uint Canary = 0xA5A5A5A5;

        // SHA-256("abc") (FIPS 180-2, B.1) and SHA-256 of 1,000 × 'a' (first block, midstate copied, then the rest).
        ReadOnlySpan<byte> abcDigest = [0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad];
        ReadOnlySpan<byte> thousandADigest = [0x41, 0xed, 0xec, 0xe4, 0x2d, 0x63, 0xe8, 0xd9, 0xbf, 0x51, 0x5a, 0x9b, 0xa6, 0x93, 0x2e, 0x1c, 0x20, 0xcb, 0xc9, 0xf5, 0xa5, 0xd1, 0x34, 0x64, 0x5a, 0xdb, 0x5d, 0xb1, 0xb9, 0x73, 0x7e, 0xa3];

        var context = default(Sha256Context);
        for (var i = Sha256Context.NativeSize / sizeof(uint); i < Sha256Context.Size / sizeof(uint); i++)
        {
            context[i] = Canary;
        }

        Span<byte> digest = stackalloc byte[Sha256Context.DigestSize];
        Span<byte> a = stackalloc byte[1000];
        a.Fill((byte)'a');
        fixed (byte* output = digest)
        fixed (byte* abc = "abc"u8)
        fixed (byte* input = a)
        {
            var pointer = &context;
            if (SHA256_Init(pointer) != 1 || SHA256_Update(pointer, abc, 3) != 1 || SHA256_Final(output, pointer) != 1
                || !digest.SequenceEqual(abcDigest))
            {
                return false;
            }

            SHA256_Init(pointer);
            SHA256_Update(pointer, input, 100);
            var copy = context;
            context = default;
            var copied = &copy;
            SHA256_Update(copied, input + 100, 900);
            SHA256_Final(output, copied);
            if (!digest.SequenceEqual(thousandADigest))
            {
                return false;
            }

            for (var i = Sha256Context.NativeSize / sizeof(uint); i < Sha256Context.Size / sizeof(uint); i++)
            {
                if (copy[i] != Canary)
                {
                    return false;
                }
            }

            // "abc" padded by hand, one whole block through Update, the digest read from h[8] (WriteState).
            a[..Sha256Context.BlockSize].Clear();
            "abc"u8.CopyTo(a);
            a[3] = 0x80;
            a[Sha256Context.BlockSize - 1] = 3 * 8;
            SHA256_Init(pointer);
            SHA256_Update(pointer, input, Sha256Context.BlockSize);
            digest.Clear();
            WriteState(ref context, digest);
            if (!digest.SequenceEqual(abcDigest))
            {
                return false;
            }
        }

        return true;
    }

    [LibraryImport(LibraryName)]
    private static partial int SHA256_Init(Sha256Context* context);

    [LibraryImport(LibraryName)]
    private static partial int SHA256_Update(Sha256Context* context, byte* data, nuint length);

    [LibraryImport(LibraryName)]
    private static partial int SHA256_Final(byte* digest, Sha256Context* context);
}

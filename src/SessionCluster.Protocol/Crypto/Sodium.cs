using System.Reflection;
using System.Runtime.InteropServices;

namespace SessionCluster.Protocol.Crypto;

/// <summary>
/// The few libsodium entry points SessionCluster needs. libsodium (Debian's <c>libsodium23</c>) is
/// about three times faster than managed Curve25519 here and its scalar and point functions are
/// constant-time, which XEdDSA signing needs.
/// </summary>
internal static partial class Sodium
{
    private const string Library = "libsodium";

    // Debian ships only the versioned soname unless the -dev package is installed.
    private static readonly string[] Candidates = ["libsodium.so.23", "libsodium.so", "libsodium", "libsodium.dylib", "libsodium.dll"];

    private static readonly Lazy<bool> Initialized = new(Initialize, LazyThreadSafetyMode.ExecutionAndPublication);

    static Sodium()
    {
        NativeLibrary.SetDllImportResolver(typeof(Sodium).Assembly, Resolve);
    }

    /// <summary>Loads and initialises libsodium once; throws <see cref="SodiumUnavailableException"/> if it cannot.</summary>
    public static void EnsureLoaded()
    {
        _ = Initialized.Value;
    }

    private static bool Initialize()
    {
        int result;
        try
        {
            result = sodium_init();
        }
        catch (DllNotFoundException e)
        {
            throw new SodiumUnavailableException(e);
        }

        // 0: initialised now, 1: already initialised by someone else in this process.
        if (result < 0)
        {
            throw new SodiumUnavailableException(null);
        }

        return true;
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (name != Library)
        {
            return IntPtr.Zero;
        }

        foreach (var candidate in Candidates)
        {
            if (NativeLibrary.TryLoad(candidate, assembly, path, out var handle))
            {
                return handle;
            }
        }

        return IntPtr.Zero;
    }

    [LibraryImport(Library)]
    private static partial int sodium_init();

    [LibraryImport(Library)]
    internal static partial int crypto_scalarmult_curve25519(Span<byte> q, ReadOnlySpan<byte> n, ReadOnlySpan<byte> p);

    [LibraryImport(Library)]
    internal static partial int crypto_scalarmult_curve25519_base(Span<byte> q, ReadOnlySpan<byte> n);

    [LibraryImport(Library)]
    internal static partial int crypto_scalarmult_ed25519_base_noclamp(Span<byte> q, ReadOnlySpan<byte> n);

    [LibraryImport(Library)]
    internal static partial void crypto_core_ed25519_scalar_reduce(Span<byte> r, ReadOnlySpan<byte> s);

    [LibraryImport(Library)]
    internal static partial void crypto_core_ed25519_scalar_mul(Span<byte> z, ReadOnlySpan<byte> x, ReadOnlySpan<byte> y);

    [LibraryImport(Library)]
    internal static partial void crypto_core_ed25519_scalar_add(Span<byte> z, ReadOnlySpan<byte> x, ReadOnlySpan<byte> y);

    [LibraryImport(Library)]
    internal static partial int crypto_sign_ed25519_verify_detached(ReadOnlySpan<byte> sig, ReadOnlySpan<byte> m, ulong mlen, ReadOnlySpan<byte> pk);
}

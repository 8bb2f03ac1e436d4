using System.Reflection;
using System.Runtime.InteropServices;

namespace SessionCluster.Protocol.Crypto;

/// <summary>
/// The few libsodium entry points SessionCluster needs. libsodium is about three times faster than managed
/// Curve25519 here and its scalar and point functions are constant-time, which XEdDSA signing needs.
/// </summary>
/// <remarks>
/// <para>
/// The library is the NuGet <c>libsodium</c> package's build (1.0.22), which this project references so that
/// every app and test referencing it gets <c>runtimes/&lt;rid&gt;/native/libsodium.so</c> (or the file itself,
/// in a RID-specific publish). The host lists those folders in <c>NATIVE_DLL_SEARCH_DIRECTORIES</c>
/// (from the app's deps.json, after its RID fallback); the resolver loads the library by absolute path from
/// them and from the app's base directory, and nowhere else. No system library is tried: a distribution's
/// libsodium is a different version (Debian 12 ships 1.0.18) that tests and benchmarks would not have measured.
/// </para>
/// <para>
/// The assembly's single <see cref="NativeLibrary.SetDllImportResolver"/> slot belongs to this class; it answers
/// for "libsodium" only and leaves every other name (OpenSSL's, see <see cref="Sha256Native"/>) to the runtime.
/// </para>
/// </remarks>
internal static partial class Sodium
{
    private const string Library = "libsodium";

    private static readonly Lazy<(IntPtr Handle, string Path)> Loaded =
        new(() => Load(PackageCandidates()), LazyThreadSafetyMode.ExecutionAndPublication);

    private static readonly Lazy<bool> Initialized = new(Initialize, LazyThreadSafetyMode.ExecutionAndPublication);

    static Sodium()
    {
        NativeLibrary.SetDllImportResolver(typeof(Sodium).Assembly, Resolve);
    }

    /// <summary>The file libsodium was loaded from (loading it first if needed).</summary>
    public static string LoadedFrom => Loaded.Value.Path;

    /// <summary>Loads and initialises libsodium once; throws <see cref="SodiumUnavailableException"/> if it cannot.</summary>
    public static void EnsureLoaded()
    {
        _ = Initialized.Value;
    }

    /// <summary>
    /// Where the package's library can be: each native search directory the host built from deps.json, then the
    /// app's base directory, with this platform's file name. Absolute paths only, so nothing falls through to the
    /// system's search path.
    /// </summary>
    internal static IReadOnlyList<string> PackageCandidates()
    {
        var fileName = OperatingSystem.IsWindows() ? "libsodium.dll"
            : OperatingSystem.IsMacOS() ? "libsodium.dylib"
            : "libsodium.so";
        var directories = (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") as string ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var candidates = new List<string>();
        foreach (var directory in directories.Append(AppContext.BaseDirectory))
        {
            var path = Path.GetFullPath(Path.Combine(directory, fileName));
            if (!candidates.Contains(path, StringComparer.Ordinal))
            {
                candidates.Add(path);
            }
        }

        return candidates;
    }

    /// <summary>Loads the first candidate that exists and loads; throws naming the runtime identifier and every path tried.</summary>
    internal static (IntPtr Handle, string Path) Load(IReadOnlyList<string> candidates)
    {
        var failures = new List<string>();
        foreach (var candidate in candidates)
        {
            if (!File.Exists(candidate))
            {
                failures.Add($"{candidate} (not found)");
                continue;
            }

            try
            {
                return (NativeLibrary.Load(candidate), candidate);
            }
            catch (DllNotFoundException e)
            {
                // Present but unloadable: the wrong architecture or C library; the loader's reason says which.
                failures.Add($"{candidate} ({e.Message})");
            }
            catch (BadImageFormatException e)
            {
                failures.Add($"{candidate} ({e.Message})");
            }
        }

        throw new SodiumUnavailableException(RuntimeInformation.RuntimeIdentifier, failures);
    }

    private static bool Initialize()
    {
        // 0: initialised now, 1: already initialised by someone else in this process.
        if (sodium_init() < 0)
        {
            throw new SodiumUnavailableException(RuntimeInformation.RuntimeIdentifier, [$"{LoadedFrom} (sodium_init failed)"]);
        }

        return true;
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        // Throws SodiumUnavailableException rather than returning zero, which would let the runtime probe the system.
        return name == Library ? Loaded.Value.Handle : IntPtr.Zero;
    }

    [LibraryImport(Library)]
    private static partial int sodium_init();

    [LibraryImport(Library)]
    internal static partial IntPtr sodium_version_string();

    [LibraryImport(Library)]
    internal static partial int sodium_library_version_major();

    [LibraryImport(Library)]
    internal static partial int sodium_library_version_minor();

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

    /// <summary>libsodium's <c>crypto_pwhash_STRBYTES</c>: the encoded hash's buffer size, terminating zero included.</summary>
    internal const int PasswordHashStringBytes = 128;

    [LibraryImport(Library)]
    internal static partial int crypto_pwhash_str(Span<byte> output, ReadOnlySpan<byte> password, ulong passwordLength, ulong opsLimit, nuint memLimit);

    [LibraryImport(Library)]
    internal static partial int crypto_pwhash_str_verify(ReadOnlySpan<byte> hash, ReadOnlySpan<byte> password, ulong passwordLength);
}

namespace SessionCluster.Protocol.Crypto;

/// <summary>
/// libsodium could not be loaded or initialised. The message names the runtime identifier and every file tried,
/// which is what a person needs to tell a missing package asset from a platform the package has no build for.
/// </summary>
public sealed class SodiumUnavailableException : Exception
{
    internal SodiumUnavailableException(string runtimeIdentifier, IReadOnlyList<string> tried)
        : base(
            $"libsodium could not be loaded for runtime '{runtimeIdentifier}'. SessionCluster uses it for Curve25519 "
            + "(X25519 and XEdDSA) and loads only the NuGet 'libsodium' package's native library, which the build copies "
            + $"to runtimes/<rid>/native/ (or beside the app in a RID-specific publish). Tried: "
            + (tried.Count == 0 ? "no candidate paths" : string.Join("; ", tried)) + ".")
    {
        RuntimeIdentifier = runtimeIdentifier;
        Tried = tried;
    }

    /// <summary>The runtime identifier the process runs as (<c>RuntimeInformation.RuntimeIdentifier</c>).</summary>
    public string RuntimeIdentifier { get; }

    /// <summary>Each path tried, with why it did not load.</summary>
    public IReadOnlyList<string> Tried { get; }
}

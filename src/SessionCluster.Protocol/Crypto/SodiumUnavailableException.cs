namespace SessionCluster.Protocol.Crypto;

/// <summary>libsodium could not be loaded or initialised; the message says how to install it.</summary>
public sealed class SodiumUnavailableException : Exception
{
    internal SodiumUnavailableException(Exception? inner)
        : base(
            "libsodium could not be loaded. SessionCluster uses it for Curve25519 (X25519 and XEdDSA). "
            + "Install it with 'apt-get install libsodium23' (Debian/Ubuntu) or your platform's libsodium package.",
            inner)
    {
    }
}

using SessionCluster.Protocol.Crypto;

namespace SessionCluster.Protocol.Tests.Crypto;

/// <summary>
/// Names for the implementations behind the fast primitives, so theories run every test on each of them:
/// the fast path this machine uses and the fallback forced explicitly. (The backend enums are internal,
/// and a public test method cannot take them as parameters.)
/// </summary>
internal static class Backends
{
    public const string OpenSsl = "OpenSSL";
    public const string Managed = "managed";
    public const string AesNi = "AES-NI";
    public const string Platform = "platform";

    public static Sha256Backend Sha256(string name) => name switch
    {
        OpenSsl => Sha256Backend.Native,
        Managed => Sha256Backend.Managed,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    public static AesCbcBackend Aes(string name) => name switch
    {
        AesNi => AesCbcBackend.AesNi,
        Platform => AesCbcBackend.Platform,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };
}

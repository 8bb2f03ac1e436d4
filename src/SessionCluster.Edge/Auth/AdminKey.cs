using System.Security.Cryptography;
using System.Text;

namespace SessionCluster.Edge.Auth;

/// <summary>
/// The admin key as the edge holds it: only its SHA-256, so a memory dump or a debugger shows no usable key, and
/// comparing two digests of equal length in constant time leaks neither the key's length nor its prefix.
/// </summary>
public sealed class AdminKey
{
    private readonly byte[] _digest;

    public AdminKey(string key)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        _digest = SHA256.HashData(Encoding.UTF8.GetBytes(key));
    }

    /// <summary>True when <paramref name="presented"/> is the key.</summary>
    public bool Matches(string presented) =>
        CryptographicOperations.FixedTimeEquals(_digest, SHA256.HashData(Encoding.UTF8.GetBytes(presented)));

    public override string ToString() => "AdminKey { (hidden) }";
}

using System.Text;

namespace SessionCluster.Protocol.Crypto;

/// <summary>
/// Argon2id password hashing through libsodium's <c>crypto_pwhash_str</c>: the result is the standard encoded string
/// (<c>$argon2id$v=19$m=...,t=...,p=1$salt$hash</c>) carrying its own salt and parameters, so parameters can be raised
/// later without breaking stored hashes. Used for the edge's API keys, stored only as these hashes.
/// </summary>
public static class PasswordHash
{
    /// <summary>
    /// Default 2 passes over 19 MiB: OWASP's minimum for Argon2id (m=19456 KiB, t=2, p=1), about 20-40 ms here. The
    /// edge checks a key this way once and then remembers the answer, so the cost is paid per key, not per request.
    /// </summary>
    public static readonly (ulong OpsLimit, nuint MemLimit) Default = (2, 19 * 1024 * 1024);

    /// <summary>The encoded Argon2id hash of <paramref name="secret"/> with a fresh random salt.</summary>
    public static string Hash(string secret) => Hash(secret, Default.OpsLimit, Default.MemLimit);

    /// <summary>As <see cref="Hash(string)"/> with explicit costs (tests use the smallest libsodium allows: 1 pass, 8 KiB).</summary>
    public static string Hash(string secret, ulong opsLimit, nuint memLimit)
    {
        ArgumentNullException.ThrowIfNull(secret);
        Sodium.EnsureLoaded();
        var password = Encoding.UTF8.GetBytes(secret);
        Span<byte> output = stackalloc byte[Sodium.PasswordHashStringBytes];
        if (Sodium.crypto_pwhash_str(output, password, (ulong)password.Length, opsLimit, memLimit) != 0)
        {
            throw new InvalidOperationException("crypto_pwhash_str failed: the process could not allocate the hash's memory.");
        }

        return Encoding.ASCII.GetString(output[..output.IndexOf((byte)0)]);
    }

    /// <summary>True when <paramref name="secret"/> is the one <paramref name="encodedHash"/> was made from (constant time in libsodium).</summary>
    public static bool Verify(string encodedHash, string secret)
    {
        ArgumentNullException.ThrowIfNull(encodedHash);
        ArgumentNullException.ThrowIfNull(secret);
        Sodium.EnsureLoaded();
        var hash = new byte[Encoding.ASCII.GetByteCount(encodedHash) + 1];
        Encoding.ASCII.GetBytes(encodedHash, hash);
        var password = Encoding.UTF8.GetBytes(secret);
        return Sodium.crypto_pwhash_str_verify(hash, password, (ulong)password.Length) == 0;
    }
}

using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace SessionCluster.Persistence.Leases;

/// <summary>
/// The token one process holds its leases and writes its journal rows under: generated once per process start, so a
/// node restarted at the same address is a different holder and its predecessor's late writes are refused.
/// </summary>
public static partial class LeaseIncarnation
{
    /// <summary>A new incarnation: 12 lowercase hex characters (48 random bits).</summary>
    public static string New() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    /// <summary>
    /// Whether <paramref name="incarnation"/> can be one: 4–32 ASCII letters or digits (it must fit PostgreSQL's
    /// 63-byte application_name after <c>sc-</c>, and carry no separator the fence would misread).
    /// </summary>
    public static bool IsValid(string? incarnation) => incarnation is not null && Shape().IsMatch(incarnation);

    [GeneratedRegex("^[A-Za-z0-9]{4,32}$")]
    private static partial Regex Shape();
}

using System.Net;
using System.Net.Sockets;

namespace SessionCluster.Edge.Media;

/// <summary>
/// Which addresses a download by link must not reach: everything that is not a public unicast address. An IPv6
/// address that carries an IPv4 one (mapped ::ffff:a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16) is judged by the
/// IPv4 address inside, since that is where the packets end up.
/// </summary>
internal static class PrivateAddresses
{
    /// <summary>True when <paramref name="address"/> is loopback, private, link-local, shared, multicast, reserved or unspecified.</summary>
    public static bool IsPrivate(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => IsPrivateV4(address.GetAddressBytes()),
            AddressFamily.InterNetworkV6 => IsPrivateV6(address.GetAddressBytes()),
            // Neither family: nothing the fetcher can connect to safely.
            _ => true,
        };
    }

    private static bool IsPrivateV4(ReadOnlySpan<byte> a) => a[0] switch
    {
        0 => true,                                   // 0.0.0.0/8 "this network"
        10 => true,                                  // 10/8 RFC 1918
        100 => a[1] is >= 64 and <= 127,             // 100.64/10 carrier-grade NAT (RFC 6598)
        127 => true,                                 // loopback
        169 => a[1] == 254,                          // 169.254/16 link-local, cloud metadata 169.254.169.254
        172 => a[1] is >= 16 and <= 31,              // 172.16/12 RFC 1918
        192 => (a[1] == 168)                         // 192.168/16 RFC 1918
            || (a[1] == 0 && a[2] == 0),             // 192.0.0/24 IETF protocol assignments
        198 => a[1] is 18 or 19,                     // 198.18/15 benchmarking, often used inside networks
        >= 224 => true,                              // 224/4 multicast, 240/4 reserved, 255.255.255.255
        _ => false,
    };

    private static bool IsPrivateV6(ReadOnlySpan<byte> a)
    {
        // ::/96: unspecified ::, loopback ::1 and the deprecated IPv4-compatible form; none is a public destination.
        if (a[..12].IndexOfAnyExcept((byte)0) < 0)
        {
            return true;
        }

        // ::ffff:0:0/96 IPv4-mapped.
        if (a[..10].IndexOfAnyExcept((byte)0) < 0 && a[10] == 0xff && a[11] == 0xff)
        {
            return IsPrivateV4(a[12..]);
        }

        // 64:ff9b::/96 NAT64 well-known prefix: the gateway forwards to the IPv4 address in the last 32 bits.
        if (a[0] == 0x00 && a[1] == 0x64 && a[2] == 0xff && a[3] == 0x9b && a[4..12].IndexOfAnyExcept((byte)0) < 0)
        {
            return IsPrivateV4(a[12..]);
        }

        // 2002::/16 6to4: the relay forwards to the IPv4 address in bits 16 to 47.
        if (a[0] == 0x20 && a[1] == 0x02)
        {
            return IsPrivateV4(a[2..6]);
        }

        return a[0] switch
        {
            0xfc or 0xfd => true,                    // fc00::/7 unique-local
            0xfe => (a[1] & 0xc0) is 0x80 or 0xc0,   // fe80::/10 link-local, fec0::/10 old site-local
            0xff => true,                            // ff00::/8 multicast
            // 0100::/64 discard-only (RFC 6666).
            0x01 => a[1] == 0x00 && a[2..8].IndexOfAnyExcept((byte)0) < 0,
            _ => false,
        };
    }
}

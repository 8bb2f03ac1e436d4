using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SessionCluster.Sessions.Connection;

/// <summary>
/// The client side of a SOCKS5 CONNECT (RFC 1928) with username/password authentication (RFC 1929) when the proxy has
/// credentials. Each refusal is a <see cref="ProxyException"/> naming the proxy and the reply; no message holds the password.
/// </summary>
internal static class Socks5Handshake
{
    private const byte Version = 5;
    private const byte NoAuthentication = 0x00;
    private const byte UsernamePassword = 0x02;
    private const byte NoAcceptableMethods = 0xFF;
    private const byte UsernamePasswordVersion = 1;
    private const byte Connect = 1;
    private const byte IPv4 = 1;
    private const byte DomainName = 3;
    private const byte IPv6 = 4;

    public static async Task RunAsync(Stream stream, ProxySettings proxy, string host, int port, CancellationToken cancellationToken)
    {
        // With credentials both methods are offered: a proxy that needs none may still pick "none".
        byte[] greeting = proxy.HasCredentials ? [Version, 2, NoAuthentication, UsernamePassword] : [Version, 1, NoAuthentication];
        await stream.WriteAsync(greeting, cancellationToken).ConfigureAwait(false);
        var chosen = await ReadAsync(stream, proxy, 2, cancellationToken).ConfigureAwait(false);
        Expect(chosen[0] == Version, proxy, $"answered the greeting with version {chosen[0]}, not SOCKS5");
        switch (chosen[1])
        {
            case NoAuthentication:
                break;
            case UsernamePassword when proxy.HasCredentials:
                await AuthenticateAsync(stream, proxy, cancellationToken).ConfigureAwait(false);
                break;
            case NoAcceptableMethods:
                throw new ProxyException(proxy, ProxyFailure.AuthenticationFailed, proxy.HasCredentials
                    ? "accepts neither no authentication nor username/password"
                    : "requires authentication and no credentials are configured");
            default:
                throw new ProxyException(proxy, ProxyFailure.ProtocolError, $"chose authentication method {chosen[1]}, which was not offered");
        }

        await stream.WriteAsync(ConnectRequest(host, port), cancellationToken).ConfigureAwait(false);
        var reply = await ReadAsync(stream, proxy, 4, cancellationToken).ConfigureAwait(false);
        Expect(reply[0] == Version, proxy, $"answered CONNECT with version {reply[0]}, not SOCKS5");
        if (reply[1] != 0)
        {
            var (failure, what) = DescribeReply(reply[1]);
            throw new ProxyException(proxy, failure, $"CONNECT to {host}:{port} failed: {what} (reply {reply[1]})");
        }

        // The bound address the proxy reports is of no use to us, but it must be read off the stream.
        var addressLength = reply[3] switch
        {
            IPv4 => 4,
            IPv6 => 16,
            DomainName => (await ReadAsync(stream, proxy, 1, cancellationToken).ConfigureAwait(false))[0],
            _ => throw new ProxyException(proxy, ProxyFailure.ProtocolError, $"answered CONNECT with address type {reply[3]}"),
        };
        await ReadAsync(stream, proxy, addressLength + 2, cancellationToken).ConfigureAwait(false);
    }

    private static async Task AuthenticateAsync(Stream stream, ProxySettings proxy, CancellationToken cancellationToken)
    {
        var username = Encoding.UTF8.GetBytes(proxy.Username!);
        var password = Encoding.UTF8.GetBytes(proxy.Password!);
        var request = new byte[3 + username.Length + password.Length];
        request[0] = UsernamePasswordVersion;
        request[1] = (byte)username.Length;
        username.CopyTo(request, 2);
        request[2 + username.Length] = (byte)password.Length;
        password.CopyTo(request, 3 + username.Length);
        try
        {
            await stream.WriteAsync(request, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Array.Clear(request);
            Array.Clear(password);
        }

        var status = await ReadAsync(stream, proxy, 2, cancellationToken).ConfigureAwait(false);
        if (status[1] != 0)
        {
            throw new ProxyException(proxy, ProxyFailure.AuthenticationFailed, $"rejected the username and password of user '{proxy.Username}' (status {status[1]})");
        }
    }

    private static byte[] ConnectRequest(string host, int port)
    {
        byte[] address;
        byte type;
        if (IPAddress.TryParse(host, out var ip))
        {
            address = ip.GetAddressBytes();
            type = ip.AddressFamily == AddressFamily.InterNetworkV6 ? IPv6 : IPv4;
        }
        else
        {
            var name = Encoding.ASCII.GetBytes(new System.Globalization.IdnMapping().GetAscii(host));
            address = [(byte)name.Length, .. name];
            type = DomainName;
        }

        var request = new byte[4 + address.Length + 2];
        request[0] = Version;
        request[1] = Connect;
        request[3] = type;
        address.CopyTo(request, 4);
        BinaryPrimitives.WriteUInt16BigEndian(request.AsSpan(4 + address.Length), (ushort)port);
        return request;
    }

    private static (ProxyFailure Failure, string What) DescribeReply(byte reply) => reply switch
    {
        1 => (ProxyFailure.Refused, "general SOCKS server failure"),
        2 => (ProxyFailure.Refused, "not allowed by the proxy's rules"),
        3 => (ProxyFailure.TargetUnreachable, "network unreachable from the proxy"),
        4 => (ProxyFailure.TargetUnreachable, "host unreachable from the proxy"),
        5 => (ProxyFailure.TargetUnreachable, "the server refused the proxy's connection"),
        6 => (ProxyFailure.TargetUnreachable, "TTL expired"),
        7 => (ProxyFailure.Refused, "CONNECT not supported by the proxy"),
        8 => (ProxyFailure.Refused, "address type not supported by the proxy"),
        _ => (ProxyFailure.ProtocolError, "unknown reply"),
    };

    private static async Task<byte[]> ReadAsync(Stream stream, ProxySettings proxy, int count, CancellationToken cancellationToken)
    {
        var buffer = new byte[count];
        try
        {
            await stream.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException e)
        {
            throw new ProxyException(proxy, ProxyFailure.ProtocolError, "closed the connection during the SOCKS5 handshake", e);
        }

        return buffer;
    }

    private static void Expect(bool condition, ProxySettings proxy, string what)
    {
        if (!condition)
        {
            throw new ProxyException(proxy, ProxyFailure.ProtocolError, what);
        }
    }
}

using System.Buffers.Binary;
using System.Net;
using System.Text;
using SessionCluster.Sessions.Connection;

namespace SessionCluster.Sessions.Tests.Support;

/// <summary>
/// A SOCKS5 proxy (RFC 1928) that requires username/password authentication (RFC 1929) and supports CONNECT only:
/// the server side of what <c>Socks5Handshake</c> speaks, written from the RFCs.
/// </summary>
internal sealed class Socks5TestProxy(IPAddress outboundAddress, string username = "socks-user", string password = "socks-secret-7Q")
    : TestProxy(outboundAddress, username, password)
{
    public override ProxySettings Settings(string? password = null) =>
        new(ProxyKind.Socks5, "127.0.0.1", Port, Username, password ?? Password);

    protected override async Task<DnsEndPoint?> ReadRequestAsync(Stream client, CancellationToken cancellationToken)
    {
        var greeting = await ReadAsync(client, 2, cancellationToken);
        var methods = await ReadAsync(client, greeting[1], cancellationToken);
        if (greeting[0] != 5 || !methods.Contains((byte)2))
        {
            CountRefused();
            await client.WriteAsync(new byte[] { 5, 0xFF }, cancellationToken);
            return null;
        }

        await client.WriteAsync(new byte[] { 5, 2 }, cancellationToken);
        var version = await ReadAsync(client, 2, cancellationToken);
        var user = Encoding.UTF8.GetString(await ReadAsync(client, version[1], cancellationToken));
        var passwordLength = await ReadAsync(client, 1, cancellationToken);
        var password = Encoding.UTF8.GetString(await ReadAsync(client, passwordLength[0], cancellationToken));
        if (user != Username || password != Password)
        {
            CountRefused();
            await client.WriteAsync(new byte[] { 1, 1 }, cancellationToken);
            return null;
        }

        await client.WriteAsync(new byte[] { 1, 0 }, cancellationToken);
        var request = await ReadAsync(client, 4, cancellationToken);
        var host = request[3] switch
        {
            1 => new IPAddress(await ReadAsync(client, 4, cancellationToken)).ToString(),
            4 => new IPAddress(await ReadAsync(client, 16, cancellationToken)).ToString(),
            _ => Encoding.ASCII.GetString(await ReadAsync(client, (await ReadAsync(client, 1, cancellationToken))[0], cancellationToken)),
        };
        var port = BinaryPrimitives.ReadUInt16BigEndian(await ReadAsync(client, 2, cancellationToken));
        return new DnsEndPoint(host, port);
    }

    protected override async Task ReplyAsync(Stream client, bool connected, CancellationToken cancellationToken) =>
        // Reply 5 = connection refused; the bound address is left as 0.0.0.0:0 (the client ignores it).
        await client.WriteAsync(new byte[] { 5, connected ? (byte)0 : (byte)5, 0, 1, 0, 0, 0, 0, 0, 0 }, cancellationToken);

    private static async Task<byte[]> ReadAsync(Stream stream, int count, CancellationToken cancellationToken)
    {
        var buffer = new byte[count];
        await stream.ReadExactlyAsync(buffer, cancellationToken);
        return buffer;
    }
}

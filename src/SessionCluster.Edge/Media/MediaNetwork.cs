using System.Net;
using System.Net.Sockets;

namespace SessionCluster.Edge.Media;

/// <summary>
/// The two network steps <see cref="MediaFetcher"/> vets between: name to addresses, then a TCP connection to one
/// chosen address. Real DNS and sockets in the node; tests pass their own to see that a refused address is never
/// connected to, and to stand a public-looking name in front of a loopback server.
/// </summary>
internal sealed record MediaNetwork(
    Func<string, CancellationToken, Task<IPAddress[]>> Resolve,
    Func<IPEndPoint, CancellationToken, ValueTask<Stream>> Connect)
{
    /// <summary>The machine's resolver and a plain TCP socket.</summary>
    public static MediaNetwork System { get; } = new(Dns.GetHostAddressesAsync, ConnectSocketAsync);

    private static async ValueTask<Stream> ConnectSocketAsync(IPEndPoint endpoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            // The caller gets the error; the socket must not outlive it.
            socket.Dispose();
            throw;
        }
    }
}

using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using SessionCluster.Sessions.Connection;

namespace SessionCluster.Sessions.Tests.Support;

/// <summary>
/// A small proxy on loopback for tests: it accepts on 127.0.0.1, runs a subclass's handshake (SOCKS5 or HTTP CONNECT,
/// with credentials), and opens its OUTBOUND connection from its own loopback address (127.0.0.2, 127.0.0.3: Linux
/// routes all of 127/8), so the server sees the proxy's address and not the client's. It counts what it accepted and
/// the tunnels it opened, and can drop every open tunnel (a proxy that restarts).
/// </summary>
internal abstract class TestProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Socket, byte> _open = new();
    private readonly Task _accepting;
    private int _accepted;
    private int _tunnels;
    private int _refused;

    protected TestProxy(IPAddress outboundAddress, string username, string password)
    {
        OutboundAddress = outboundAddress;
        Username = username;
        Password = password;
        _listener.Start();
        _accepting = AcceptLoopAsync();
    }

    /// <summary>The address the proxy's outbound connections come from (what the server sees).</summary>
    public IPAddress OutboundAddress { get; }

    public string Username { get; }

    public string Password { get; }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Client connections accepted.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>Tunnels opened to a server (handshake and credentials passed).</summary>
    public int Tunnels => Volatile.Read(ref _tunnels);

    /// <summary>Handshakes refused (bad credentials, no credentials, target unreachable).</summary>
    public int Refused => Volatile.Read(ref _refused);

    /// <summary>Settings for a client of this proxy; <paramref name="password"/> overrides the right one.</summary>
    public abstract ProxySettings Settings(string? password = null);

    /// <summary>Closes every open tunnel, as a proxy restart would; the listener keeps accepting.</summary>
    public void DropAll()
    {
        foreach (var socket in _open.Keys)
        {
            socket.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        DropAll();
        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
            // The accept loop ends by cancellation.
        }

        _stop.Dispose();
    }

    /// <summary>Reads the client's request and checks its credentials; returns the target, or null after answering a refusal.</summary>
    protected abstract Task<DnsEndPoint?> ReadRequestAsync(Stream client, CancellationToken cancellationToken);

    /// <summary>Answers the request: the tunnel is open, or the target could not be reached.</summary>
    protected abstract Task ReplyAsync(Stream client, bool connected, CancellationToken cancellationToken);

    protected void CountRefused() => Interlocked.Increment(ref _refused);

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException && _stop.IsCancellationRequested)
            {
                return;
            }

            Interlocked.Increment(ref _accepted);
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(Socket client)
    {
        _open[client] = 0;
        using var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _open[upstream] = 0;
        try
        {
            await using var clientStream = new NetworkStream(client, ownsSocket: true);
            var target = await ReadRequestAsync(clientStream, _stop.Token);
            if (target is null)
            {
                return;
            }

            upstream.Bind(new IPEndPoint(OutboundAddress, 0));
            try
            {
                var addresses = await Dns.GetHostAddressesAsync(target.Host, AddressFamily.InterNetwork, _stop.Token);
                await upstream.ConnectAsync(addresses, target.Port, _stop.Token);
            }
            catch (SocketException)
            {
                CountRefused();
                await ReplyAsync(clientStream, connected: false, _stop.Token);
                return;
            }

            await ReplyAsync(clientStream, connected: true, _stop.Token);
            Interlocked.Increment(ref _tunnels);
            await using var upstreamStream = new NetworkStream(upstream, ownsSocket: false);
            // Either direction ending ends the tunnel: both sockets close below.
            await Task.WhenAny(clientStream.CopyToAsync(upstreamStream, _stop.Token), upstreamStream.CopyToAsync(clientStream, _stop.Token));
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // A tunnel ends when either side goes away, or the proxy is dropped or stopped: the client sees the closed socket.
        }
        finally
        {
            _open.TryRemove(client, out _);
            _open.TryRemove(upstream, out _);
            client.Dispose();
        }
    }
}

using System.Globalization;
using System.Net.WebSockets;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Noise;
using SessionCluster.Protocol.Signal;
using SessionCluster.Protocol.Stanzas;

namespace SessionCluster.Sessions.Tests.Support;

/// <summary>
/// A logged-in chat server played by the test (on <see cref="NoiseTestServer"/>): every connection is answered
/// <c>&lt;success&gt;</c>, then what the session sends is recorded and the routine iqs are answered (pings, the prekey
/// count — 0 until the session has uploaded, then what it uploaded —, the upload, passive) and its messages acked;
/// usync and bundle fetches go to <c>answer</c>. The test sends stanzas, or raw frame bytes, on the current connection.
/// </summary>
internal sealed class ScriptedChatServer : IAsyncDisposable
{
    private readonly List<Node> _received = [];
    private readonly Func<Node, Node?> _answer;
    private NoiseTestServer? _server;
    private NoiseSocket? _current;
    private int _connections;
    private int _preKeysHeld;

    private ScriptedChatServer(Func<Node, Node?> answer) => _answer = answer;

    public NoiseTestServer Server => _server ?? throw new InvalidOperationException("Not started.");

    /// <summary>How many connections the session has opened.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>The session's bundle from its last prekey upload (its first one-time prekey), once it has uploaded.</summary>
    public PreKeyBundle? SessionBundle { get; private set; }

    /// <summary>Starts the server; <paramref name="answer"/> gets the iqs it does not answer itself (null: unanswered).</summary>
    public static async Task<ScriptedChatServer> StartAsync(Func<Node, Node?>? answer = null)
    {
        var scripted = new ScriptedChatServer(answer ?? (_ => null));
        scripted._server = await NoiseTestServer.StartAsync(scripted.ServeAsync);
        return scripted;
    }

    /// <summary>Everything the session has sent so far, in order, over all connections.</summary>
    public IReadOnlyList<Node> Received
    {
        get
        {
            lock (_received)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>Sends <paramref name="node"/> on the current connection.</summary>
    public async Task SendAsync(Node node) => await Current.SendNodeAsync(node);

    /// <summary>Sends <paramref name="frame"/> (flag byte and body, before Noise) on the current connection.</summary>
    public async Task SendRawAsync(byte[] frame) => await Current.SendAsync(frame);

    /// <summary>Polls <see cref="Received"/> until <paramref name="done"/> holds; fails after <see cref="SessionNodes.Timeout"/>.</summary>
    public async Task<IReadOnlyList<Node>> WaitForAsync(Func<IReadOnlyList<Node>, bool> done, string what)
    {
        var deadline = DateTimeOffset.UtcNow + SessionNodes.Timeout;
        while (true)
        {
            var received = Received;
            if (done(received))
            {
                return received;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                Assert.Fail($"Waited for {what}; the session sent: {string.Join(", ", received.Select(n => n.Tag))}.");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>An iq result from the server for <paramref name="iq"/>.</summary>
    public static Node Result(Node iq, params Node[] children) =>
        new("iq", [("id", iq.GetOptionalString("id") ?? ""), ("type", "result"), ("from", "s.whatsapp.net")], children);

    private NoiseSocket Current => Volatile.Read(ref _current) ?? throw new InvalidOperationException("No connection yet.");

    private async Task ServeAsync(NoiseTestConnection connection)
    {
        var socket = connection.Socket;
        await socket.SendNodeAsync(new Node("success", [("t", DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture))]));
        Volatile.Write(ref _current, socket);
        Interlocked.Increment(ref _connections);
        while (true)
        {
            Node? node;
            try
            {
                node = await socket.ReceiveNodeAsync();
            }
            catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException)
            {
                // The session dropped the connection (how it answers malformed input): this connection is over.
                return;
            }

            if (node is null)
            {
                return;
            }

            lock (_received)
            {
                _received.Add(node);
            }

            if (Answer(node) is { } answer)
            {
                try
                {
                    await socket.SendNodeAsync(answer);
                }
                catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException or InvalidOperationException)
                {
                    // Gone while answering: the next read ends this connection.
                    continue;
                }
            }
        }
    }

    private Node? Answer(Node node)
    {
        if (node.Tag == "message")
        {
            return new Node("ack", [("class", "message"), ("id", node.GetOptionalString("id") ?? ""), ("from", node.GetOptionalString("to") ?? "")]);
        }

        if (node.Tag != "iq" || node.GetOptionalString("type") is not ("get" or "set"))
        {
            return null;
        }

        var xmlns = node.GetOptionalString("xmlns");
        if (node.GetOptionalChild("ping") is not null || xmlns == "passive")
        {
            return Result(node);
        }

        if (xmlns == "encrypt" && node.GetOptionalChild("count") is not null)
        {
            return Result(node, new Node("count", [("value", Volatile.Read(ref _preKeysHeld).ToString(CultureInfo.InvariantCulture))]));
        }

        if (xmlns == "encrypt" && node.GetOptionalString("type") == "set" && node.GetOptionalChild("list") is { } list)
        {
            var keys = list.GetChildren("key").ToList();
            SessionBundle = PreKeyBundleNode.Parse(new Node("user", null,
                [node.GetOptionalChild("registration")!, node.GetOptionalChild("type")!, node.GetOptionalChild("identity")!, node.GetOptionalChild("skey")!, keys[0]]));
            Interlocked.Add(ref _preKeysHeld, keys.Count);
            return Result(node);
        }

        return _answer(node);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

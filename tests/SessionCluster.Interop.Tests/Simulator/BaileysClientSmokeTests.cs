using System.Net;
using System.Net.Sockets;
using SessionCluster.Interop.Tests.Noise;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Wa.Client;
using SessionCluster.Simulator;

namespace SessionCluster.Interop.Tests.Simulator;

/// <summary>
/// The Baileys driver (baileys-client-peer.mjs through <see cref="BaileysClient"/>) on its own: it reports
/// every way a connection ends with a status code instead of hanging, performs the 515 restart on the
/// same credentials, keeps those credentials in its auth folder across processes, and shows the
/// simulator's pair-device as a QR. The end-to-end linking tests are BaileysLinkingTests.
/// </summary>
[Trait("Category", "Interop")]
public sealed class BaileysClientSmokeTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "baileys-driver-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_refused_tcp_connection_is_reported_as_a_close_with_a_status_code_and_not_retried()
    {
        var port = UnusedLoopbackPort();
        await using var client = await BaileysClient.StartAsync($"ws://127.0.0.1:{port}/ws/chat", new byte[32], AuthFolder("refused"));

        var close = await client.WaitForConnectionCloseAsync(expectedStatus: null, Timeout);

        Assert.Equal(408, close.StatusCode);
        Assert.Contains("ECONNREFUSED", close.Error, StringComparison.Ordinal);
        var state = await client.StateAsync();
        Assert.Equal("close", state.GetProperty("connection").GetString());
        Assert.Equal(1, state.GetProperty("generation").GetInt32());
        Assert.Equal(0, state.GetProperty("restarts").GetInt32());
        Assert.Empty(client.Errors);
    }

    [Fact]
    public async Task A_server_whose_certificate_chain_Baileys_refuses_ends_in_a_close_with_status_400()
    {
        await using var server = await LoopbackNoiseServer.StartAsync();
        server.Chain = [];
        await using var client = await BaileysClient.StartAsync(server.Url, server.Authority.RootPublicKey, AuthFolder("bad-chain"));

        var close = await client.WaitForConnectionCloseAsync(expectedStatus: 400, Timeout);

        Assert.Contains("certificate", close.Error, StringComparison.Ordinal);
        await server.NextFailureAsync(Timeout);
        Assert.Equal(0, (await client.StateAsync()).GetProperty("restarts").GetInt32());
        Assert.Empty(client.Errors);
    }

    [Fact]
    public async Task Stream_error_515_makes_the_driver_reconnect_with_the_same_credentials_and_other_closes_do_not()
    {
        await using var server = await LoopbackNoiseServer.StartAsync();
        var folder = AuthFolder("restart");
        await using var client = await BaileysClient.StartAsync(server.Url, server.Authority.RootPublicKey, folder);

        var first = await server.NextConnectionAsync(Timeout);
        Assert.NotNull(ClientPayload.Parser.ParseFrom(first.Accepted.ClientPayload.Span).DevicePairingData);
        await first.Socket.SendNodeAsync(new Node("stream:error", [new NodeAttribute("code", "515")]));
        // Baileys decodes frames asynchronously but sees a WebSocket close at once, so a server that
        // closed right after the stream error would be reported as 428. It waits for Baileys to close.
        Assert.Null(await first.Socket.ReceiveAsync().AsTask().WaitAsync(Timeout));
        first.Done.TrySetResult();

        var restart = await client.WaitForRestartAsync(Timeout);
        Assert.Equal(BaileysClient.RestartRequired, restart.StatusCode);
        Assert.Equal(2, restart.Generation);
        var second = await server.NextConnectionAsync(Timeout);
        Assert.Equal(first.Accepted.ClientStaticKey.ToArray(), second.Accepted.ClientStaticKey.ToArray());

        // The server dropping the restarted connection is final: reported, not restarted.
        var mark = client.Mark();
        second.Done.TrySetResult();
        var close = await client.WaitForConnectionCloseAsync(expectedStatus: 428, Timeout, since: mark);
        Assert.Equal(2, close.Generation);
        var events = client.Events;
        var closes = events.OfType<BaileysConnectionUpdate>().Where(update => update.IsClose).Select(update => update.StatusCode).ToList();
        Assert.Equal([515, 428], closes);
        Assert.Single(events.OfType<BaileysRestart>());
        Assert.Empty(client.Errors);

        // A second process on the same auth folder is the same client: same Noise static key.
        await client.DisposeAsync();
        await using var again = await BaileysClient.StartAsync(server.Url, server.Authority.RootPublicKey, folder);
        var third = await server.NextConnectionAsync(Timeout);
        third.Done.TrySetResult();
        Assert.Equal(first.Accepted.ClientStaticKey.ToArray(), third.Accepted.ClientStaticKey.ToArray());
    }

    [Fact]
    public async Task End_and_a_conflict_stream_error_close_without_a_restart_and_reconnect_comes_back_as_the_same_client()
    {
        await using var server = await LoopbackNoiseServer.StartAsync();
        await using var client = await BaileysClient.StartAsync(server.Url, server.Authority.RootPublicKey, AuthFolder("end"));
        var first = await server.NextConnectionAsync(Timeout);

        // Baileys' end waits for the WebSocket to close; this server ends the connection once it sees the close.
        var ending = client.EndAsync();
        Assert.Null(await first.Socket.ReceiveAsync().AsTask().WaitAsync(Timeout));
        first.Done.TrySetResult();
        await ending;
        var ended = await client.WaitForConnectionCloseAsync(expectedStatus: null, Timeout);
        Assert.Null(ended.StatusCode);

        var mark = client.Mark();
        await client.ReconnectAsync();
        var second = await server.NextConnectionAsync(Timeout);
        Assert.Equal(first.Accepted.ClientStaticKey.ToArray(), second.Accepted.ClientStaticKey.ToArray());
        await second.Socket.SendNodeAsync(new Node("stream:error", null, [new Node("conflict", [new NodeAttribute("type", "replaced")])]));
        Assert.Null(await second.Socket.ReceiveAsync().AsTask().WaitAsync(Timeout));
        second.Done.TrySetResult();

        var replaced = await client.WaitForConnectionCloseAsync(expectedStatus: 440, Timeout, since: mark);
        Assert.Equal(2, replaced.Generation);
        var state = await client.StateAsync();
        Assert.Equal(0, state.GetProperty("restarts").GetInt32());
        Assert.Equal(440, state.GetProperty("lastDisconnect").GetProperty("statusCode").GetInt32());
        Assert.Empty(client.Events.OfType<BaileysRestart>());
        Assert.Empty(client.Errors);
    }

    [Fact]
    public async Task A_pair_device_iq_becomes_a_qr_event_and_a_pairing_code_request_sends_companion_hello()
    {
        await using var server = await LoopbackNoiseServer.StartAsync();
        await using var client = await BaileysClient.StartAsync(server.Url, server.Authority.RootPublicKey, AuthFolder("pair-device"));
        var connection = await server.NextConnectionAsync(Timeout);
        try
        {
            Node[] refs = [new("ref", null, "first-ref"u8.ToArray()), new("ref", null, "second-ref"u8.ToArray())];
            await connection.Socket.SendNodeAsync(new Node(
                "iq",
                [new NodeAttribute("from", "s.whatsapp.net"), new NodeAttribute("type", "set"), new NodeAttribute("id", "pair-1"), new NodeAttribute("xmlns", "md")],
                [new Node("pair-device", null, refs)]));

            var qr = await client.WaitForQrAsync(Timeout);
            Assert.Equal(5, qr.Parts.Count);
            Assert.EndsWith("#first-ref", qr.Parts[0], StringComparison.Ordinal);
            var payload = ClientPayload.Parser.ParseFrom(connection.Accepted.ClientPayload.Span);
            Assert.Equal(Convert.ToBase64String(connection.Accepted.ClientStaticKey.Span), qr.Parts[1]);
            Assert.Equal(Convert.ToBase64String(payload.DevicePairingData.EIdent.Span), qr.Parts[2]);
            var answer = await ReceiveAsync(connection);
            Assert.Equal(("iq", "result", "pair-1"), (answer.Tag, answer.GetString("type"), answer.GetString("id")));

            var code = await client.RequestPairingCodeAsync("15550001111");
            Assert.Matches("^[1-9A-HJ-NP-TV-Z]{8}$", code);
            Assert.Equal(code, (await client.WaitForPairingCodeAsync(Timeout)).Code);
            var hello = (await ReceiveAsync(connection)).GetChild("link_code_companion_reg");
            Assert.Equal("companion_hello", hello.GetString("stage"));
            Assert.Equal("15550001111@s.whatsapp.net", hello.GetString("jid"));
            Assert.Empty(client.Errors);
        }
        finally
        {
            connection.Done.TrySetResult();
        }
    }

    private static async Task<Node> ReceiveAsync(ServerConnection connection) =>
        await connection.Socket.ReceiveNodeAsync().AsTask().WaitAsync(Timeout) ?? throw new InvalidOperationException("Baileys closed the connection.");

    [Fact]
    public async Task DropSession_deletes_one_device_or_every_device_of_a_user_and_leaves_other_users_alone()
    {
        var folder = AuthFolder("sessions");
        Directory.CreateDirectory(folder);
        string[] planted = ["15550009999.1", "15550009999.2", "15550008888.1"];
        foreach (var id in planted)
        {
            await File.WriteAllTextAsync(Path.Combine(folder, $"session-{id}.json"), "\"planted\"");
        }

        await using var client = await BaileysClient.StartAsync($"ws://127.0.0.1:{UnusedLoopbackPort()}/ws/chat", new byte[32], folder);
        await client.WaitForConnectionCloseAsync(expectedStatus: null, Timeout);

        Assert.Equal(["15550009999.2"], await client.DropSessionAsync("15550009999:2@s.whatsapp.net"));
        Assert.True(File.Exists(Path.Combine(folder, "session-15550009999.1.json")));
        Assert.Equal(["15550009999.1"], await client.DropSessionAsync("15550009999@s.whatsapp.net"));
        Assert.Empty(await client.DropSessionAsync("15550009999@s.whatsapp.net"));
        Assert.False(File.Exists(Path.Combine(folder, "session-15550009999.1.json")));
        Assert.False(File.Exists(Path.Combine(folder, "session-15550009999.2.json")));
        Assert.True(File.Exists(Path.Combine(folder, "session-15550008888.1.json")));
    }

    [Fact]
    public async Task Against_the_simulator_the_driver_shows_a_QR_of_five_comma_separated_parts()
    {
        await using var simulator = await SimulatorHost.StartAsync();
        await using var client = await BaileysClient.StartAsync(simulator.WebSocketUrl, simulator.RootPublicKey, AuthFolder("qr"));

        var qr = await client.WaitForQrAsync(Timeout);

        Assert.Equal(5, qr.Parts.Count);
        Assert.All(qr.Parts, part => Assert.NotEmpty(part));
        Assert.Equal(1, qr.Generation);
    }

    private string AuthFolder(string name) => Path.Combine(_folder, name);

    private static int UnusedLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

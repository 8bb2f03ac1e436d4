using System.Buffers;
using System.IO.Pipelines;
using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Noise;

namespace SessionCluster.Protocol.Tests.Noise;

public sealed class NoiseSocketTests
{
    [Fact]
    public async Task Csharp_initiator_and_responder_complete_the_handshake_and_exchange_a_thousand_frames_each_way()
    {
        var server = new NoiseTestServer();
        var pipes = new DuplexPipePair();
        var clientPayload = "registration payload"u8.ToArray();

        var accepting = NoiseHandshake.AcceptAsync(pipes.Server, server.NewResponder());
        await using var client = await NoiseHandshake.ConnectAsync(pipes.Client, new NoiseInitiator(Curve25519.GenerateKeyPair(), server.TrustingOptions), clientPayload);
        var accepted = await accepting;
        await using var serverSocket = accepted.Socket;
        Assert.Equal(clientPayload, accepted.ClientPayload.ToArray());
        Assert.True(accepted.Intro!.RoutingInfo.IsEmpty);

        var random = new Random(20261122);
        var toServer = Enumerable.Range(0, 1000).Select(_ => RandomFrame(random)).ToList();
        var toClient = Enumerable.Range(0, 1000).Select(_ => RandomFrame(random)).ToList();

        var clientSends = Task.Run(async () =>
        {
            foreach (var frame in toServer)
            {
                await client.SendAsync(frame);
            }
        });
        var serverSends = Task.Run(async () =>
        {
            foreach (var frame in toClient)
            {
                await serverSocket.SendAsync(frame);
            }
        });

        foreach (var expected in toServer)
        {
            Assert.Equal(expected, await serverSocket.ReceiveAsync());
        }

        foreach (var expected in toClient)
        {
            Assert.Equal(expected, await client.ReceiveAsync());
        }

        await Task.WhenAll(clientSends, serverSends);
    }

    [Fact]
    public async Task Nodes_go_through_encoder_cipher_and_decoder_and_a_bad_node_is_a_binary_error()
    {
        var server = new NoiseTestServer();
        var pipes = new DuplexPipePair();
        var accepting = NoiseHandshake.AcceptAsync(pipes.Server, server.NewResponder());
        await using var client = await NoiseHandshake.ConnectAsync(pipes.Client, new NoiseInitiator(Curve25519.GenerateKeyPair(), server.TrustingOptions), "p"u8.ToArray());
        await using var serverSocket = (await accepting).Socket;
        var ping = new SessionCluster.Protocol.Binary.Node("iq", [new("id", "1.2-3"), new("to", "@s.whatsapp.net"), new("type", "get"), new("xmlns", "w:p")], [new SessionCluster.Protocol.Binary.Node("ping")]);

        await client.SendNodeAsync(ping);
        Assert.Equal(ping, await serverSocket.ReceiveNodeAsync());

        await client.SendAsync(new byte[] { 0, 0xF8 });
        await Assert.ThrowsAsync<SessionCluster.Protocol.Binary.BinaryFormatException>(async () => await serverSocket.ReceiveNodeAsync());
    }

    [Fact]
    public async Task The_routing_prefix_reaches_the_server()
    {
        var server = new NoiseTestServer();
        var pipes = new DuplexPipePair();
        var routing = new byte[] { 1, 2, 3 };

        var accepting = NoiseHandshake.AcceptAsync(pipes.Server, server.NewResponder());
        await using var client = await NoiseHandshake.ConnectAsync(
            pipes.Client, new NoiseInitiator(Curve25519.GenerateKeyPair(), server.TrustingOptions), "p"u8.ToArray(), new FrameSocketOptions { RoutingInfo = routing });
        await using var accepted = (await accepting).Socket;

        Assert.Equal(routing, accepted.Intro!.RoutingInfo.ToArray());
    }

    [Fact]
    public async Task A_tampered_transport_frame_on_the_wire_gives_a_typed_error()
    {
        var server = new NoiseTestServer();
        var clientSide = new DuplexPipePair();
        var accepting = NoiseHandshake.AcceptAsync(clientSide.Server, server.NewResponder());
        await using var client = await NoiseHandshake.ConnectAsync(clientSide.Client, new NoiseInitiator(Curve25519.GenerateKeyPair(), server.TrustingOptions), "p"u8.ToArray());
        await using var serverSocket = (await accepting).Socket;

        // Write a valid-length frame of garbage straight onto the client's outgoing pipe.
        var garbage = new byte[] { 0, 0, 20, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20 };
        await clientSide.Client.Output.WriteAsync(garbage);

        await Assert.ThrowsAsync<NoiseTransportException>(async () => await serverSocket.ReceiveAsync());
    }

    [Fact]
    public async Task A_server_refuses_a_frame_over_its_limit_before_buffering_it()
    {
        var pipes = new DuplexPipePair();
        var frames = new FrameSocket(pipes.Server, FrameSocketRole.Server, new FrameSocketOptions { MaxFrameSize = 1024 });
        await pipes.Client.Output.WriteAsync(new byte[] { 0x57, 0x41, 6, 3, 0x00, 0x04, 0x01 });

        var error = await Assert.ThrowsAsync<FrameFormatException>(async () => await frames.ReadFrameAsync());
        Assert.Equal(4, error.Offset);
    }

    [Fact]
    public async Task A_stream_ending_inside_a_frame_is_a_frame_error_and_a_clean_end_is_null()
    {
        var pipes = new DuplexPipePair();
        var frames = new FrameSocket(pipes.Server, FrameSocketRole.Server);
        await pipes.Client.Output.WriteAsync(new byte[] { 0x57, 0x41, 6, 3, 0, 0, 1, 7 });
        await pipes.Client.Output.CompleteAsync();

        Assert.Equal(new byte[] { 7 }, (await frames.ReadFrameAsync())!.Value.ToArray());
        Assert.Null(await frames.ReadFrameAsync());

        var truncated = new DuplexPipePair();
        var truncatedFrames = new FrameSocket(truncated.Server, FrameSocketRole.Server);
        await truncated.Client.Output.WriteAsync(new byte[] { 0x57, 0x41, 6, 3, 0, 0, 9, 7 });
        await truncated.Client.Output.CompleteAsync();
        await Assert.ThrowsAsync<FrameFormatException>(async () => await truncatedFrames.ReadFrameAsync());
    }

    [Fact]
    public async Task Frames_split_at_every_byte_position_are_reassembled()
    {
        var stream = new List<byte> { 0x57, 0x41, 6, 3 };
        var payloads = new[] { new byte[] { 1 }, new byte[300], Enumerable.Range(0, 70).Select(i => (byte)i).ToArray() };
        foreach (var payload in payloads)
        {
            stream.AddRange(new byte[] { 0, (byte)(payload.Length >> 8), (byte)payload.Length });
            stream.AddRange(payload);
        }

        for (var split = 1; split < stream.Count; split++)
        {
            var pipes = new DuplexPipePair();
            var frames = new FrameSocket(pipes.Server, FrameSocketRole.Server);
            var writing = WriteInTwoPartsAsync(pipes.Client.Output, stream.ToArray(), split);
            foreach (var payload in payloads)
            {
                Assert.Equal(payload, (await frames.ReadFrameAsync())!.Value.ToArray());
            }

            await writing;
        }
    }

    private static async Task WriteInTwoPartsAsync(PipeWriter output, byte[] bytes, int split)
    {
        await output.WriteAsync(bytes.AsMemory(0, split));
        await Task.Yield();
        await output.WriteAsync(bytes.AsMemory(split));
    }

    private static byte[] RandomFrame(Random random)
    {
        // Mostly small stanzas, sometimes large media-sized frames.
        var length = random.Next(10) == 0 ? random.Next(65_536, 300_000) : random.Next(0, 2_000);
        var frame = new byte[length];
        random.NextBytes(frame);
        return frame;
    }
}

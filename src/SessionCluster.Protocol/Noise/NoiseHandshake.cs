using System.Buffers;
using System.IO.Pipelines;

namespace SessionCluster.Protocol.Noise;

/// <summary>Runs the handshake state machines over frames and hands back a transport-phase <see cref="NoiseSocket"/>.</summary>
public static class NoiseHandshake
{
    /// <summary>Whatsmeow waits 20 s for the ServerHello; the same bound applies to each handshake read here.</summary>
    public static readonly TimeSpan DefaultStepTimeout = TimeSpan.FromSeconds(20);

    /// <summary>The client side: ClientHello → ServerHello (certificate verified) → ClientFinish carrying <paramref name="clientPayload"/>.</summary>
    public static async Task<NoiseSocket> ConnectAsync(
        IDuplexPipe pipe,
        NoiseInitiator initiator,
        ReadOnlyMemory<byte> clientPayload,
        FrameSocketOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var frames = new FrameSocket(pipe, FrameSocketRole.Client, options);
        await frames.WriteFrameAsync(initiator.CreateClientHello(), cancellationToken).ConfigureAwait(false);
        var serverHello = await ReadHandshakeFrameAsync(frames, "ServerHello", cancellationToken).ConfigureAwait(false);
        initiator.ReadServerHello(serverHello);
        await frames.WriteFrameAsync(initiator.CreateClientFinish(clientPayload.Span), cancellationToken).ConfigureAwait(false);
        return new NoiseSocket(frames, initiator.Split());
    }

    /// <summary>The server side: reads the intro and ClientHello, answers, reads the ClientFinish.</summary>
    public static async Task<AcceptedConnection> AcceptAsync(
        IDuplexPipe pipe,
        NoiseResponder responder,
        FrameSocketOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var frames = new FrameSocket(pipe, FrameSocketRole.Server, options);
        responder.ReadClientHello(await ReadHandshakeFrameAsync(frames, "ClientHello", cancellationToken).ConfigureAwait(false));
        await frames.WriteFrameAsync(responder.CreateServerHello(), cancellationToken).ConfigureAwait(false);
        var payload = responder.ReadClientFinish(await ReadHandshakeFrameAsync(frames, "ClientFinish", cancellationToken).ConfigureAwait(false));
        return new AcceptedConnection(new NoiseSocket(frames, responder.Split()), responder.ClientStaticKey, payload, frames.Intro);
    }

    private static async Task<byte[]> ReadHandshakeFrameAsync(FrameSocket frames, string what, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(DefaultStepTimeout);
        ReadOnlySequence<byte>? frame;
        try
        {
            frame = await frames.ReadFrameAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new NoiseHandshakeException($"No {what} within {DefaultStepTimeout.TotalSeconds:0} s.", e);
        }

        return frame?.ToArray() ?? throw new NoiseHandshakeException($"The connection closed before the {what}.");
    }
}

/// <summary>A client that completed the handshake: its transport socket, noise key and ClientPayload bytes.</summary>
public sealed record AcceptedConnection(NoiseSocket Socket, ReadOnlyMemory<byte> ClientStaticKey, ReadOnlyMemory<byte> ClientPayload, ConnectionIntro? Intro);

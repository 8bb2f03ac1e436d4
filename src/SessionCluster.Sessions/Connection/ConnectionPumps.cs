using System.Buffers;
using System.Threading.Channels;
using Akka.Actor;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Noise;

namespace SessionCluster.Sessions.Connection;

/// <summary>
/// An open connection's two loops over its <see cref="NoiseSocket"/>, reporting to the <see cref="ConnectionActor"/>:
/// inbound reads one frame, decodes it, tells the actor and waits for <see cref="Ack"/> before reading the next, so a
/// busy session stops reading the socket instead of buffering without bound; outbound takes stanzas from a bounded queue
/// in order, encodes, encrypts and sends them.
/// </summary>
/// <remarks>
/// Two plain loops rather than an Akka.Streams graph: even the leanest graph measured (one fused interpreter, a channel
/// source, one-element buffers) cost about 10 KiB more heap and 20 KiB more RSS per idle session, for its interpreter,
/// actor and retained blueprint (docs/SESSIONS.md, "Why two loops"). The queue is a bounded channel, which allocates its
/// slots as they fill.
/// </remarks>
internal sealed class ConnectionPumps
{
    private readonly NoiseSocket _socket;
    private readonly DecoderLimits _limits;
    private readonly IActorRef _actor;
    private readonly CancellationToken _token;
    private readonly Channel<Node> _outbound;
    private TaskCompletionSource? _ack;

    /// <param name="outboundBound">The most stanzas waiting to be sent; <see cref="TryEnqueue"/> refuses more.</param>
    /// <param name="actor">Told each decoded <see cref="Node"/>, then <see cref="InboundEnded"/>, <see cref="InboundFailed"/> or <see cref="OutboundFailed"/>.</param>
    public ConnectionPumps(NoiseSocket socket, DecoderLimits limits, int outboundBound, IActorRef actor, CancellationToken token)
    {
        _socket = socket;
        _limits = limits;
        _actor = actor;
        _token = token;
        _outbound = Channel.CreateBounded<Node>(new BoundedChannelOptions(outboundBound) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    }

    /// <summary>Starts both loops; they end with the socket, the cancellation token, or (outbound) <see cref="Complete"/>.</summary>
    public void Start()
    {
        _ = ReceiveLoopAsync();
        _ = SendLoopAsync();
    }

    /// <summary>Queues a stanza to send; false when the queue is full or completed.</summary>
    public bool TryEnqueue(Node node) => _outbound.Writer.TryWrite(node);

    /// <summary>The actor is done with the last node it was told: the next frame may be read.</summary>
    public void Ack() => Volatile.Read(ref _ack)?.TrySetResult();

    /// <summary>No more stanzas will be queued; the ones queued still go out unless the token is cancelled.</summary>
    public void Complete() => _outbound.Writer.TryComplete();

    private async Task ReceiveLoopAsync()
    {
        try
        {
            while (await _socket.ReceiveAsync(_token).ConfigureAwait(false) is { } frame)
            {
                var node = NodeDecoder.DecodeOwnedFrame(frame, _limits);
                // Set before the actor can see the node, so that its Ack always finds the one this node waits for.
                var ack = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                Volatile.Write(ref _ack, ack);
                _actor.Tell(node);
                await ack.Task.WaitAsync(_token).ConfigureAwait(false);
            }

            _actor.Tell(InboundEnded.Instance);
        }
        catch (OperationCanceledException) when (_token.IsCancellationRequested)
        {
            // The connection is being released: nobody waits for the inbound side any more.
        }
        catch (Exception e)
        {
            // Every failure of the read side (socket, framing, Noise, decoding) ends the connection; the actor names it.
            _actor.Tell(new InboundFailed(e));
        }
    }

    private async Task SendLoopAsync()
    {
        try
        {
            await foreach (var node in _outbound.Reader.ReadAllAsync(_token).ConfigureAwait(false))
            {
                var encoded = new ArrayBufferWriter<byte>(256);
                NodeEncoder.WriteFrame(node, encoded);
                await _socket.SendAsync(encoded.WrittenMemory, _token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_token.IsCancellationRequested)
        {
            // The connection is being released.
        }
        catch (Exception e)
        {
            _actor.Tell(new OutboundFailed(e));
        }
    }

    /// <summary>The server closed the stream cleanly between frames.</summary>
    public sealed record InboundEnded
    {
        public static InboundEnded Instance { get; } = new();
    }

    public sealed record InboundFailed(Exception Cause);

    public sealed record OutboundFailed(Exception Cause);
}

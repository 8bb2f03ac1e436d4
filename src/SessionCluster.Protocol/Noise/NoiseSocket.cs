using System.Buffers;
using SessionCluster.Protocol.Binary;

namespace SessionCluster.Protocol.Noise;

/// <summary>
/// The transport phase: every frame is AES-GCM encrypted with its direction's counter. Received
/// frames are decrypted straight out of the pipe's buffers; sent frames are encrypted straight
/// into them.
/// </summary>
public sealed class NoiseSocket : IAsyncDisposable
{
    private readonly FrameSocket _frames;
    private readonly NoiseTransport _transport;

    public NoiseSocket(FrameSocket frames, NoiseTransport transport)
    {
        _frames = frames;
        _transport = transport;
    }

    /// <summary>The client's intro, on the server side.</summary>
    public ConnectionIntro? Intro => _frames.Intro;

    /// <summary>
    /// The next decrypted frame (flag byte + binary node), or null when the peer closed the stream.
    /// </summary>
    /// <exception cref="NoiseTransportException">The frame failed authentication.</exception>
    /// <exception cref="FrameFormatException">The byte stream is not framed correctly.</exception>
    public async ValueTask<byte[]?> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        var frame = await _frames.ReadFrameAsync(cancellationToken).ConfigureAwait(false);
        if (frame is not { } ciphertext)
        {
            return null;
        }

        if (ciphertext.Length < NoiseProtocol.TagSize)
        {
            throw new NoiseTransportException($"A {ciphertext.Length}-byte transport frame is shorter than its authentication tag.");
        }

        var plaintext = new byte[ciphertext.Length - NoiseProtocol.TagSize];
        if (ciphertext.IsSingleSegment)
        {
            _transport.Receiver.Decrypt(ciphertext.FirstSpan, plaintext);
            return plaintext;
        }

        var rented = ArrayPool<byte>.Shared.Rent((int)ciphertext.Length);
        try
        {
            ciphertext.CopyTo(rented);
            _transport.Receiver.Decrypt(rented.AsSpan(0, (int)ciphertext.Length), plaintext);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return plaintext;
    }

    /// <summary>The next frame decoded as a node, or null when the peer closed the stream.</summary>
    /// <exception cref="BinaryFormatException">The decrypted frame is not a valid node.</exception>
    /// <exception cref="NoiseTransportException">The frame failed authentication.</exception>
    public async ValueTask<Node?> ReceiveNodeAsync(DecoderLimits? limits = null, CancellationToken cancellationToken = default)
    {
        var plaintext = await ReceiveAsync(cancellationToken).ConfigureAwait(false);
        // The plaintext array is ours alone, so the node may keep slices of it instead of copies.
        return plaintext is null ? null : NodeDecoder.DecodeOwnedFrame(plaintext, limits);
    }

    /// <summary>Encodes (flag byte 0x00, uncompressed, as clients send) and sends one node.</summary>
    public ValueTask SendNodeAsync(Node node, CancellationToken cancellationToken = default)
    {
        var encoded = new ArrayBufferWriter<byte>(256);
        NodeEncoder.WriteFrame(node, encoded);
        return SendAsync(encoded.WrittenMemory, cancellationToken);
    }

    /// <summary>Encrypts and sends one frame. Safe to call from several tasks; frames never interleave.</summary>
    public async ValueTask SendAsync(ReadOnlyMemory<byte> plaintext, CancellationToken cancellationToken = default)
    {
        // The counter order must equal the wire order: encryption runs inside the frame writer's lock.
        await _frames.WriteFrameAsync(
            plaintext.Length + NoiseProtocol.TagSize,
            (Cipher: _transport.Sender, Plaintext: plaintext),
            static (state, destination) => state.Cipher.Encrypt(state.Plaintext.Span, destination),
            cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _frames.DisposeAsync().ConfigureAwait(false);
        _transport.Dispose();
    }
}

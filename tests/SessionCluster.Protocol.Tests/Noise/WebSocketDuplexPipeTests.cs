using System.Buffers;
using System.Net.WebSockets;
using SessionCluster.Protocol.Noise;

namespace SessionCluster.Protocol.Tests.Noise;

public sealed class WebSocketDuplexPipeTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task An_idle_pipe_waits_with_a_zero_byte_receive_and_takes_a_buffer_only_when_data_arrived()
    {
        var socket = new ScriptedWebSocket();
        await using var pipe = new WebSocketDuplexPipe(socket);
        await WaitForReceivesAsync(socket, 1);
        Assert.Equal([0], socket.ReceiveSizes);

        socket.Arrive(WebSocketMessageType.Binary, [1, 2, 3]);
        var read = await pipe.Input.ReadAsync().AsTask().WaitAsync(Patience);
        Assert.Equal([1, 2, 3], read.Buffer.ToArray());
        pipe.Input.AdvanceTo(read.Buffer.End);

        // Data arrived: one real receive, then idle again on a zero-byte one.
        await WaitForReceivesAsync(socket, 3);
        var sizes = socket.ReceiveSizes.ToArray();
        Assert.Equal(0, sizes[0]);
        Assert.True(sizes[1] > 0);
        Assert.Equal(0, sizes[2]);
    }

    [Fact]
    public async Task A_backlog_of_small_messages_shares_segments_instead_of_taking_one_buffer_each()
    {
        var socket = new ScriptedWebSocket();
        await using var pipe = new WebSocketDuplexPipe(socket);
        var payload = Enumerable.Range(0, 100).Select(i => (byte)i).ToArray();
        for (var i = 0; i < 64; i++)
        {
            socket.Arrive(WebSocketMessageType.Binary, payload);
        }

        // Nothing is read meanwhile: all 6,400 bytes wait in the pipe.
        await WaitForReceivesAsync(socket, 128);
        var read = await pipe.Input.ReadAtLeastAsync(64 * payload.Length).AsTask().WaitAsync(Patience);
        Assert.Equal(64 * payload.Length, read.Buffer.Length);
        pipe.Input.AdvanceTo(read.Buffer.End);

        // A receive into a fresh segment offers at least as much room as the one before it; into the same segment, less.
        var sizes = socket.ReceiveSizes.Where(size => size > 0).ToArray();
        var fresh = 1 + sizes.Zip(sizes.Skip(1)).Count(pair => pair.Second >= pair.First);
        Assert.InRange(fresh, 1, 4);
    }

    [Fact]
    public async Task A_close_ends_the_input_and_a_text_message_fails_it()
    {
        var closing = new ScriptedWebSocket();
        await using (var pipe = new WebSocketDuplexPipe(closing))
        {
            closing.Arrive(WebSocketMessageType.Close, []);
            var read = await pipe.Input.ReadAsync().AsTask().WaitAsync(Patience);
            Assert.True(read.IsCompleted);
            Assert.True(read.Buffer.IsEmpty);
        }

        var texting = new ScriptedWebSocket();
        await using (var pipe = new WebSocketDuplexPipe(texting))
        {
            texting.Arrive(WebSocketMessageType.Text, "hi"u8.ToArray());
            await Assert.ThrowsAsync<FrameFormatException>(async () => await pipe.Input.ReadAsync().AsTask().WaitAsync(Patience));
        }
    }

    private static async Task WaitForReceivesAsync(ScriptedWebSocket socket, int count)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (socket.ReceiveSizes.Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"expected {count} receives, saw {socket.ReceiveSizes.Count}");
            await Task.Delay(10);
        }
    }
}

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

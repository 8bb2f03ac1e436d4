using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using SessionCluster.Protocol.Binary;
using SessionCluster.Simulator;
using SessionCluster.Simulator.Tests.Support;

namespace SessionCluster.Benchmarks.Simulator;

/// <summary>A companion linked to an account once, before any measurement.</summary>
internal sealed record LinkedDevice(string Phone, int DeviceId, TestDevice Device)
{
    public string Jid => Phone + ":" + DeviceId.ToString(CultureInfo.InvariantCulture) + "@s.whatsapp.net";

    public string AccountJid => Phone + "@s.whatsapp.net";
}

/// <summary>
/// A logged-in companion on the simulator tests' client (<see cref="TestConnection"/>): one reader loop per
/// connection, as a real client has. The loop answers every delivered <c>&lt;message&gt;</c> with its
/// <c>&lt;ack class="message"&gt;</c> (so the relay can drop it from the device's queue) and completes whatever
/// waits for an iq result or a message ack by id. A failure of the connection fails every waiter and is kept in
/// <see cref="Failure"/>, so the benchmark reports it instead of hanging.
/// </summary>
internal sealed class BenchClient : IAsyncDisposable
{
    private readonly TestConnection _connection;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<Node>> _pending = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _reader = Task.CompletedTask;
    private long _messageIds;
    private long _delivered;

    private BenchClient(LinkedDevice device, TestConnection connection)
    {
        Device = device;
        _connection = connection;
    }

    public LinkedDevice Device { get; }

    /// <summary>Messages the relay delivered to this device (each acked back).</summary>
    public long Delivered => Interlocked.Read(ref _delivered);

    /// <summary>Why the connection stopped working, if it did.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>Noise XX handshake with the login ClientPayload, then the server's <c>&lt;success&gt;</c>.</summary>
    public static async Task<BenchClient> LoginAsync(SimulatorHost host, LinkedDevice device)
    {
        var connection = await TestConnection.ConnectAsync(host, device.Device.Noise, TestDevice.LoginPayload(device.Phone, device.DeviceId));
        try
        {
            var success = await connection.ReceiveAsync();
            if (success.Tag != "success")
            {
                throw new InvalidOperationException($"The login of {device.Jid} was answered with <{success.Tag}>, not <success>.");
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        var client = new BenchClient(device, connection);
        client._reader = Task.Run(client.ReadAsync);
        return client;
    }

    /// <summary>Passive <c>&lt;active/&gt;</c>: from now on the relay delivers to this connection at once.</summary>
    public async Task ActivateAsync(TimeSpan timeout)
    {
        var id = _connection.NextId();
        var answer = Expect(id);
        await _connection.SendAsync(new Node("iq", [("id", id), ("xmlns", "passive"), ("type", "set"), ("to", "s.whatsapp.net")], [new Node("active")]));
        var result = await WaitAsync(id, answer, timeout);
        if (result.GetOptionalString("type") != "result")
        {
            throw new InvalidOperationException($"passive active of {Device.Jid} was answered with type {result.GetOptionalString("type")}.");
        }
    }

    /// <summary>A keepalive (<c>&lt;iq xmlns="w:p" type="get"&gt;&lt;ping/&gt;</c>); returns the time to its result.</summary>
    public async Task<TimeSpan> PingAsync(TimeSpan timeout)
    {
        var id = _connection.NextId();
        var answer = Expect(id);
        var started = Stopwatch.GetTimestamp();
        await _connection.SendAsync(new Node("iq", [("id", id), ("xmlns", "w:p"), ("type", "get"), ("to", "s.whatsapp.net")], [new Node("ping")]));
        var result = await WaitAsync(id, answer, timeout);
        var elapsed = Stopwatch.GetElapsedTime(started);
        if (result.GetOptionalString("type") != "result")
        {
            throw new InvalidOperationException($"A ping of {Device.Jid} was answered with type {result.GetOptionalString("type")}.");
        }

        return elapsed;
    }

    /// <summary>
    /// A 1:1 <c>&lt;message&gt;</c> to <paramref name="receiver"/>'s companion only, with an opaque
    /// <c>&lt;enc v="2" type="msg"&gt;</c> the relay does not decrypt; returns the time to the server's <c>&lt;ack&gt;</c>.
    /// </summary>
    public async Task<TimeSpan> SendMessageAsync(LinkedDevice receiver, byte[] payload, TimeSpan timeout)
    {
        var id = "3EB0" + Interlocked.Increment(ref _messageIds).ToString("X12", CultureInfo.InvariantCulture);
        var message = new Node(
            "message",
            [("id", id), ("to", receiver.AccountJid), ("type", "text")],
            [new Node("participants", null, [new Node("to", [("jid", receiver.Jid)], [new Node("enc", [("v", "2"), ("type", "msg")], payload)])])]);
        var answer = Expect(id);
        var started = Stopwatch.GetTimestamp();
        await _connection.SendAsync(message);
        var ack = await WaitAsync(id, answer, timeout);
        var elapsed = Stopwatch.GetElapsedTime(started);
        if (ack.Tag != "ack" || ack.GetOptionalString("error") is { } error)
        {
            throw new InvalidOperationException($"Message {id} from {Device.Jid} to {receiver.Jid} was answered with <{ack.Tag} error={ack.GetOptionalString("error")}>.");
        }

        return elapsed;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _reader;
        await _connection.DisposeAsync();
        _stop.Dispose();
    }

    private Task<Node> Expect(string id)
    {
        if (Failure is { } failure)
        {
            throw new InvalidOperationException($"The connection of {Device.Jid} failed before.", failure);
        }

        var answer = new TaskCompletionSource<Node>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        return answer.Task;
    }

    private async Task<Node> WaitAsync(string id, Task<Node> answer, TimeSpan timeout)
    {
        try
        {
            return await answer.WaitAsync(timeout);
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    private async Task ReadAsync()
    {
        try
        {
            while (await _connection.Socket.ReceiveNodeAsync(cancellationToken: _stop.Token) is { } node)
            {
                await HandleAsync(node);
            }

            Fail(new IOException($"The simulator closed the connection of {Device.Jid}."));
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // DisposeAsync stopped the loop: the normal end.
        }
        catch (Exception e)
        {
            Fail(e);
        }
    }

    private async ValueTask HandleAsync(Node node)
    {
        switch (node.Tag)
        {
            case "message":
                Interlocked.Increment(ref _delivered);
                await _connection.SendAsync(new Node("ack", [("id", node.GetString("id")), ("to", node.GetString("from")), ("class", "message"), ("type", "text")]));
                break;
            case "notification" or "receipt":
                // As clients do: ack it, so that the relay drops it from this device's queue.
                await _connection.SendAsync(new Node("ack", [("id", node.GetString("id")), ("to", node.GetString("from")), ("class", node.Tag), .. node.GetOptionalString("type") is { } type ? [("type", type)] : Array.Empty<NodeAttribute>()]));
                break;
            case "iq" or "ack" when node.GetOptionalString("id") is { } id && _pending.TryRemove(id, out var waiter):
                waiter.TrySetResult(node);
                break;
        }
    }

    private void Fail(Exception e)
    {
        Failure = e;
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var waiter))
            {
                waiter.TrySetException(e);
            }
        }
    }
}

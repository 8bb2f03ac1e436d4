using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using SessionCluster.Protocol.Binary;
using SessionCluster.Simulator.Accounts;
using SessionCluster.Simulator.Connections;

namespace SessionCluster.Simulator.Relay;

/// <summary>
/// Every device's <see cref="OfflineQueue"/>: everything addressed to a device (messages, receipts, notifications) is
/// queued here first and leaves only when the device acks it, or for the phone when
/// <see cref="IPrimaryDevices.DeliverAsync"/> completes. A connected companion that has turned active gets a stanza at
/// once; one that has not (or is offline) gets its whole queue, marked <c>offline</c>, on passive <c>&lt;active/&gt;</c>.
/// </summary>
/// <param name="primaryDevices">Device 0 of every account, read on each delivery: tests may replace the phones.</param>
internal sealed partial class DeviceQueues(
    AccountDirectory accounts,
    ConnectionRegistry connections,
    SimulatorStats stats,
    Func<IPrimaryDevices?> primaryDevices,
    ILogger<DeviceQueues> logger)
{
    private readonly ConcurrentDictionary<string, OfflineQueue> _queues = new(StringComparer.Ordinal);

    /// <summary>Which devices each message was queued for.</summary>
    public RelayLedger Ledger { get; } = new();

    /// <summary>Stanzas waiting in every device's queue (delivered but not acked, or not yet deliverable).</summary>
    public int QueueDepth => _queues.Values.Sum(q => q.Count);

    /// <summary>
    /// While true, stanzas for companions are queued but not written, even to an active connection (<c>POST
    /// /admin/relay/hold</c>): a load test fills the queues at its own pace, then <see cref="ReleaseAsync"/> lets the
    /// companions drain them at theirs, so the rate measured is the receiver's and not the senders'.
    /// </summary>
    public bool Held
    {
        get => Volatile.Read(ref _held);
        set => Volatile.Write(ref _held, value);
    }

    private bool _held;

    /// <summary>The queue of one device (tests and the admin API read it).</summary>
    public IReadOnlyList<Node> Queued(Account account, int device) => QueueOf(account, device).Snapshot();

    /// <summary>Queues <paramref name="stanza"/> for one device and delivers it now if the device can take it.</summary>
    public async ValueTask EnqueueAsync(Account account, int device, Node stanza, CancellationToken cancellationToken)
    {
        var queue = QueueOf(account, device);
        queue.Add(stanza);
        if (stanza.Tag == "message" && stanza.GetOptionalString("id") is { } id)
        {
            Ledger.Record(id, account.Phone, device);
        }

        if (device == 0)
        {
            FlushPhone(account, queue);
            return;
        }

        if (Held)
        {
            return;
        }

        var connection = connections.FindDevice(account.DeviceJid(device).ToString());
        if (connection is { OfflineDelivered: true, IsClosed: false })
        {
            await FlushAsync(queue, connection, offline: false, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Ends <see cref="Held"/> and writes every companion's queue to its active connection, all devices at once (each
    /// in its own order); returns how many stanzas went out. Offline companions get theirs at their next login as usual.
    /// </summary>
    public async Task<int> ReleaseAsync(CancellationToken cancellationToken)
    {
        Held = false;
        var flushes = new List<Task<int>>();
        foreach (var account in accounts.All)
        {
            foreach (var device in account.Devices)
            {
                if (_queues.TryGetValue(Key(account, device.DeviceId), out var queue) && queue.Count > 0
                    && connections.FindDevice(account.DeviceJid(device.DeviceId).ToString()) is { OfflineDelivered: true, IsClosed: false } connection)
                {
                    flushes.Add(FlushAsync(queue, connection, offline: false, cancellationToken).AsTask());
                }
            }
        }

        return (await Task.WhenAll(flushes).ConfigureAwait(false)).Sum();
    }

    /// <summary>Drops the stanza <c>&lt;ack class id [type]&gt;</c> names from the device's queue; false when it is not queued.</summary>
    public bool Acknowledge(Account account, int device, string ackClass, string id, string? type) =>
        QueueOf(account, device).Acknowledge(ackClass, id, type);

    /// <summary>
    /// Delivers the device's queue on <paramref name="connection"/> (passive <c>&lt;active/&gt;</c>): every stanza is
    /// marked <c>offline</c>; returns how many went out.
    /// </summary>
    public ValueTask<int> DeliverOfflineAsync(Account account, int device, ChatConnection connection, CancellationToken cancellationToken) =>
        FlushAsync(QueueOf(account, device), connection, offline: true, cancellationToken);

    /// <summary>Delivers what waits for every phone (after <see cref="SimulatorServer.PrimaryDevices"/> was set).</summary>
    public void FlushPhones()
    {
        foreach (var account in accounts.All)
        {
            if (_queues.TryGetValue(Key(account, 0), out var queue) && queue.Count > 0)
            {
                FlushPhone(account, queue);
            }
        }
    }

    private static string Key(Account account, int device) => account.Phone + ":" + device.ToString(CultureInfo.InvariantCulture);

    private OfflineQueue QueueOf(Account account, int device) => _queues.GetOrAdd(Key(account, device), _ => new OfflineQueue());

    private static async ValueTask<int> FlushAsync(OfflineQueue queue, ChatConnection connection, bool offline, CancellationToken cancellationToken)
    {
        await queue.SendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var sent = 0;
            foreach (var (stanza, _) in queue.TakeUnsent(connection.Id))
            {
                var wire = offline ? WithOffline(stanza) : stanza;
                if (!await connection.SendAsync(wire, cancellationToken).ConfigureAwait(false))
                {
                    queue.MarkUnsent(stanza, connection.Id);
                    break;
                }

                sent++;
            }

            return sent;
        }
        finally
        {
            queue.SendLock.Release();
        }
    }

    /// <summary>
    /// Hands the phone's queue to <see cref="IPrimaryDevices.DeliverAsync"/> on the thread pool, in order: the phone may
    /// answer (receipts) through the relay, which must not wait on the caller's own delivery.
    /// </summary>
    private void FlushPhone(Account account, OfflineQueue queue)
    {
        if (primaryDevices() is not { } phones)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            await queue.SendLock.WaitAsync().ConfigureAwait(false);
            try
            {
                foreach (var (stanza, _) in queue.TakeUnsent(-1))
                {
                    try
                    {
                        await phones.DeliverAsync(account, stanza, CancellationToken.None).ConfigureAwait(false);
                        queue.Remove(stanza);
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        // The phone refused or failed: the stanza stays queued and is offered again with the next one.
                        queue.MarkUnsent(stanza, -1);
                        stats.RelayError();
                        LogPhoneFailed(logger, account.Phone, stanza.Tag, e.GetType().Name + ": " + e.Message);
                        return;
                    }
                }
            }
            finally
            {
                queue.SendLock.Release();
            }
        });
    }

    private static Node WithOffline(Node stanza)
    {
        if (stanza.GetOptionalString("offline") is not null)
        {
            return stanza;
        }

        NodeAttribute[] attributes = [.. stanza.Attributes, ("offline", "1")];
        return stanza.ContentKind switch
        {
            NodeContentKind.Children => new Node(stanza.Tag, attributes, stanza.Children),
            NodeContentKind.Bytes => new Node(stanza.Tag, attributes, stanza.Bytes),
            NodeContentKind.Text => new Node(stanza.Tag, attributes, stanza.Text!),
            _ => new Node(stanza.Tag, attributes),
        };
    }

    [LoggerMessage(EventId = 601, Level = LogLevel.Warning, Message = "The phone of {Phone} failed to take a <{Tag}> (kept queued): {Reason}")]
    private static partial void LogPhoneFailed(ILogger logger, string phone, string tag, string reason);
}

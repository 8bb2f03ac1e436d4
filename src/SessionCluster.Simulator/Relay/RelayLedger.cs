using System.Collections.Concurrent;

namespace SessionCluster.Simulator.Relay;

/// <summary>
/// Which devices the relay queued each message id for, so a test (or whoever investigates a missing message) can
/// tell "the server never had it for that device" from "the device had it and lost it". Bounded: the oldest ids are
/// forgotten past <see cref="Capacity"/>.
/// </summary>
internal sealed class RelayLedger
{
    public const int Capacity = 65_536;

    private readonly ConcurrentDictionary<string, ConcurrentQueue<(string Phone, int Device)>> _byId = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();

    public void Record(string id, string phone, int device)
    {
        var added = false;
        var devices = _byId.GetOrAdd(id, _ =>
        {
            added = true;
            return new ConcurrentQueue<(string, int)>();
        });
        devices.Enqueue((phone, device));
        if (!added)
        {
            return;
        }

        _order.Enqueue(id);
        while (_order.Count > Capacity && _order.TryDequeue(out var oldest))
        {
            _byId.TryRemove(oldest, out _);
        }
    }

    /// <summary>Every (account phone, device) the message <paramref name="id"/> was queued for, once per queueing.</summary>
    public IReadOnlyList<(string Phone, int Device)> DevicesOf(string id) =>
        _byId.TryGetValue(id, out var devices) ? [.. devices] : [];
}

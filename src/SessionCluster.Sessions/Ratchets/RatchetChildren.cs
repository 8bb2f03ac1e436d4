using Akka.Actor;
using SessionCluster.Protocol.Binary;

namespace SessionCluster.Sessions.Ratchets;

/// <summary>
/// The session's live ratchet actors, one per contact device (or one per group for sender keys): started on demand, counted while a request is pending,
/// and passivated when idle or when more than <paramref name="cap"/> are live (the least recently used idle ones first),
/// so a session that talked to ten thousand devices holds only the ones in use. The session owns it; not thread-safe.
/// </summary>
internal sealed class RatchetChildren(string namePrefix, Func<Jid, string, IActorRef> start, int cap)
{
    private readonly Dictionary<Jid, Entry> _live = [];
    private readonly Dictionary<IActorRef, Jid> _byRef = [];
    private long _tick;
    private long _incarnation;

    public int Live => _live.Count;

    /// <summary>The device's ratchet actor for one more request (started if not live).</summary>
    public IActorRef Request(Jid device)
    {
        var started = false;
        if (!_live.TryGetValue(device, out var entry))
        {
            var name = namePrefix + "-" + Uri.EscapeDataString(device.ToString()) + "-" + (++_incarnation).ToString(System.Globalization.CultureInfo.InvariantCulture);
            entry = new Entry(start(device, name));
            _live[device] = entry;
            _byRef[entry.Ref] = device;
            started = true;
        }

        entry.Pending++;
        entry.LastUse = ++_tick;
        if (started)
        {
            // After the request is counted: the actor just started is busy, never the idle one the cap stops (it was, so a
            // send to more devices than the cap, all busy, lost the newest's request to a stopped actor and never finished).
            PassivateOverCap();
        }

        return entry.Ref;
    }

    /// <summary>A request to the device's actor was answered.</summary>
    public void Answered(Jid device)
    {
        if (_live.TryGetValue(device, out var entry) && entry.Pending > 0)
        {
            entry.Pending--;
        }
    }

    /// <summary>The actor reported itself idle: the one to stop when nothing is pending for it, else null.</summary>
    public IActorRef? Idle(Jid device) => _live.TryGetValue(device, out var entry) && entry.Pending == 0 ? Remove(device) : null;

    /// <summary>A ratchet actor stopped: its device and how many requests it left unanswered (null for one already let go).</summary>
    public (Jid Device, int Pending)? Terminated(IActorRef actor)
    {
        if (!_byRef.Remove(actor, out var device))
        {
            return null;
        }

        var pending = _live[device].Pending;
        _live.Remove(device);
        return (device, pending);
    }

    private IActorRef Remove(Jid device)
    {
        var entry = _live[device];
        _live.Remove(device);
        _byRef.Remove(entry.Ref);
        return entry.Ref;
    }

    private void PassivateOverCap()
    {
        while (_live.Count > cap)
        {
            var oldest = _live.Where(e => e.Value.Pending == 0).OrderBy(e => e.Value.LastUse).Select(e => (Jid?)e.Key).FirstOrDefault();
            if (oldest is not { } device)
            {
                // Every live actor has work pending: over the cap for now, trimmed on the next start.
                return;
            }

            Remove(device).Tell(PoisonPill.Instance);
        }
    }

    private sealed class Entry(IActorRef actor)
    {
        public IActorRef Ref { get; } = actor;

        public int Pending { get; set; }

        public long LastUse { get; set; }
    }
}

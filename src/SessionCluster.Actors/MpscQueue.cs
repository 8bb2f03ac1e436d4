namespace SessionCluster.Actors;

/// <summary>
/// Dmitry Vyukov's intrusive multi-producer single-consumer queue: one small node per message, one
/// <see cref="Interlocked.Exchange{T}(ref T, T)"/> per enqueue, no locks, no segments. An empty queue costs one stub node,
/// which keeps idle actors small (a ConcurrentQueue's first segment alone is ~600 B).
/// <para>Between a producer's exchange and its link there is a short window in which the consumer sees the queue
/// as non-empty (<see cref="HasItems"/>) but cannot take the item yet; <see cref="TryDequeue"/> spins through it.</para>
/// </summary>
internal struct MpscQueue
{
    private sealed class Node
    {
        public Node? Next;
        public object? Item;
    }

    private Node _head; // producers swing this
    private Node _tail; // the consumer owns this; it is always a consumed (stub) node

    public MpscQueue()
    {
        _head = _tail = new Node();
    }

    /// <summary>True when some producer has enqueued an item the consumer has not taken (possibly not yet linked).</summary>
    public bool HasItems => !ReferenceEquals(Volatile.Read(ref _head), _tail);

    public void Enqueue(object item)
    {
        var node = new Node { Item = item };
        var previous = Interlocked.Exchange(ref _head, node);
        Volatile.Write(ref previous.Next, node);
    }

    /// <summary>Consumer only. Takes the oldest item, or returns false when the queue is empty.</summary>
    public bool TryDequeue(out object? item)
    {
        var tail = _tail;
        var next = Volatile.Read(ref tail.Next);
        if (next is null)
        {
            if (ReferenceEquals(Volatile.Read(ref _head), tail))
            {
                item = null;
                return false;
            }
            // A producer has exchanged the head but not linked yet: the item is microseconds away.
            var spinner = new SpinWait();
            while ((next = Volatile.Read(ref tail.Next)) is null)
                spinner.SpinOnce(sleep1Threshold: -1);
        }
        item = next.Item;
        next.Item = null; // the node becomes the stub; do not keep the message alive
        _tail = next;
        return true;
    }
}

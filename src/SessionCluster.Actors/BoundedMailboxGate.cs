namespace SessionCluster.Actors;

/// <summary>
/// Counts the user messages in a bounded mailbox and parks <c>TellAsync</c> callers until there is room.
/// Allocated only for actors created with <see cref="MailboxOptions.Bounded"/>.
/// </summary>
internal sealed class BoundedMailboxGate(int capacity)
{
    private readonly Queue<TaskCompletionSource> _waiters = new();
    private int _count;
    private int _waiterCount;
    private bool _closed;

    public int Capacity { get; } = capacity;

    /// <summary>Takes a slot if one is free.</summary>
    public bool TryReserve()
    {
        int count = Volatile.Read(ref _count);
        while (count < Capacity)
        {
            int seen = Interlocked.CompareExchange(ref _count, count + 1, count);
            if (seen == count) return true;
            count = seen;
        }
        return false;
    }

    /// <summary>Gives back a slot after the consumer took a message, and wakes the waiters.</summary>
    /// <remarks>All waiters are woken and race for the slot: a waiter whose wait was cancelled cannot swallow the
    /// wake-up that way, and bounded mailboxes with waiting senders are not a hot path.</remarks>
    public void Release()
    {
        Interlocked.Decrement(ref _count);
        if (Volatile.Read(ref _waiterCount) == 0) return;
        WakeAll();
    }

    private void WakeAll()
    {
        TaskCompletionSource[] waiters;
        lock (_waiters)
        {
            waiters = _waiters.ToArray();
            _waiters.Clear();
            Volatile.Write(ref _waiterCount, 0);
        }
        foreach (var waiter in waiters) waiter.TrySetResult();
    }

    /// <summary>Waits until a slot may be free (or the mailbox closed); the caller then retries <see cref="TryReserve"/>.</summary>
    public Task WaitForRoomAsync(CancellationToken cancellationToken)
    {
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waiters)
        {
            if (_closed) return Task.CompletedTask;
            _waiters.Enqueue(waiter);
            Volatile.Write(ref _waiterCount, _waiters.Count);
        }
        Interlocked.MemoryBarrier(); // publish the registration before reading the count (pairs with Release's decrement)
        // Re-check after registering: a release may have happened between the caller's failed reserve and now.
        if (Volatile.Read(ref _count) < Capacity) waiter.TrySetResult();
        return waiter.Task.WaitAsync(cancellationToken);
    }

    /// <summary>The actor terminated: wake every waiter so that it can dead-letter its message.</summary>
    public void Close()
    {
        lock (_waiters) _closed = true;
        WakeAll();
    }
}

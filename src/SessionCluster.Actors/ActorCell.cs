namespace SessionCluster.Actors;

/*
 * Design of the cell (the hardest file; read this first).
 *
 * An actor is a cell: its mailbox, its lifecycle state, its place in the tree. The cell is itself the thread-pool work
 * item (IThreadPoolWorkItem), so scheduling an actor allocates nothing, and an idle actor owns no thread, task or timer.
 *
 * Mailbox. User messages go through an intrusive Vyukov MPSC queue (MpscQueue, one node per message). System messages
 * (stop, watch, failure, supervisor directives, child terminated) go through a lock-free intrusive stack whose nodes are
 * the messages themselves; a turn reverses it into FIFO order. System messages are processed before user messages and
 * re-checked before every user message.
 *
 * Status word. _status holds Scheduled (a turn is queued or running, or an async handler is pending) and Terminated.
 * Tell = [read status] + enqueue (one Interlocked.Exchange) + read status; only a producer that sees an idle mailbox
 * pays a CompareExchange to schedule it. At the end of a turn the consumer clears Scheduled with a full fence and then
 * re-checks the queues, so a message enqueued concurrently is never stranded: either its producer saw the cleared flag
 * or the consumer sees the message.
 *
 * Scheduling goes to the thread pool's global queue (preferLocal: false) everywhere: measured on 2 cores with ping-pong
 * pairs, the local queue was up to ~1.5x slower, because the other worker then has to steal to find work.
 *
 * Turns. A turn processes at most Throughput user messages and then re-queues itself behind other work (fairness).
 * Handlers return ValueTask: a synchronously completed one costs nothing; an incomplete one parks the turn with
 * Scheduled still set (no other turn can start, so handlers are never re-entered, and system messages wait too), and
 * its continuation queues the cell again to finish that phase. The same mechanism runs PreStart, PostStop, PreRestart,
 * PostRestart and OnTerminated.
 *
 * Lifecycle: New → Running ⇄ Suspended (failed, waiting for the supervisor) → [restart: WaitingForChildren → BackingOff
 * → Running] ... → Terminating (children stopping) → Stopping (PostStop) → Terminated. Only Running processes user
 * messages; every state processes system messages. Terminated is final: the status keeps Scheduled so nobody queues
 * the cell again, producers that find it terminated drain their own messages to dead letters, and system messages sent
 * to it are answered by the sender (a late Watch gets its notification at once).
 *
 * The generic subclass ActorCell<T> holds the actor instance and does the typed calls; everything else is untyped so
 * that parents, watchers and the system can talk to any cell.
 */

/// <summary>The runtime side of one actor: mailbox, scheduling, lifecycle, supervision and death watch.</summary>
internal abstract partial class ActorCell : IThreadPoolWorkItem
{
    private const int ScheduledBit = 1;
    private const int TerminatedBit = 2;

    private int _status;
    private MpscQueue _mailbox = new();
    private SystemMessage? _systemInbox;   // lock-free stack, newest first
    private SystemMessage? _systemBacklog; // consumer-owned, FIFO: taken from the inbox, not yet processed
    private CellExtras? _extras;
    private readonly BoundedMailboxGate? _gate;
    private readonly long _uid;
    private object? _currentMessage;
    private Exception? _pendingError;
    private ValueTask _parked;
    private CellState _state;
    private Phase _pendingPhase;
    private bool _awaiting;
    private bool _stopRequested;

    protected ActorCell(ActorSystem system, ActorCell? parent, string? explicitName, MailboxOptions? mailbox)
    {
        System = system;
        Parent = parent;
        ExplicitName = explicitName;
        if (explicitName is null) _uid = system.NextUid();
        if (mailbox is BoundedMailboxOptions bounded) _gate = new BoundedMailboxGate(bounded.Capacity);
    }

    public ActorSystem System { get; }

    public ActorCell? Parent { get; }

    /// <summary>The name given at spawn, or null for a generated one.</summary>
    public string? ExplicitName { get; }

    public string Name => ExplicitName ?? "$" + _uid.ToString("x", global::System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Built on demand: storing a path string per actor would cost more than the rest of an idle actor.</summary>
    public ActorPath Path => (Parent?.Path ?? System.RootPath).Child(Name);

    internal ActorCell? PreviousSibling;
    internal ActorCell? NextSibling;

    /// <summary>The typed reference of this cell, as an untyped one.</summary>
    public abstract IActorRef SelfRef { get; }

    public bool IsTerminated => (Volatile.Read(ref _status) & TerminatedBit) != 0;

    private CellExtras Extras
    {
        get
        {
            var extras = Volatile.Read(ref _extras);
            if (extras is not null) return extras;
            extras = new CellExtras();
            return Interlocked.CompareExchange(ref _extras, extras, null) ?? extras;
        }
    }

    // ---- producers -------------------------------------------------------------------------------------------

    /// <summary>Enqueues a user message; false (and a dead letter) if terminated or full.</summary>
    public bool Post(object message)
    {
        if ((Volatile.Read(ref _status) & TerminatedBit) != 0)
        {
            System.DeadLetters.Publish(new DeadLetter(message, SelfRef, DeadLetterReason.RecipientTerminated));
            return false;
        }
        if (_gate is not null && !_gate.TryReserve())
        {
            System.DeadLetters.Publish(new DeadLetter(message, SelfRef, DeadLetterReason.MailboxFull));
            return false;
        }
        EnqueueAndSchedule(message);
        return true;
    }

    /// <summary>Enqueues a user message, waiting for room in a bounded mailbox.</summary>
    public ValueTask PostAsync(object message, CancellationToken cancellationToken)
    {
        if (_gate is null || IsTerminated || _gate.TryReserve())
        {
            if (_gate is null || IsTerminated) Post(message);
            else EnqueueAndSchedule(message);
            return default;
        }
        return new ValueTask(PostWhenRoomAsync(message, cancellationToken));
    }

    private async Task PostWhenRoomAsync(object message, CancellationToken cancellationToken)
    {
        var gate = _gate!;
        while (true)
        {
            await gate.WaitForRoomAsync(cancellationToken).ConfigureAwait(false);
            if (IsTerminated)
            {
                System.DeadLetters.Publish(new DeadLetter(message, SelfRef, DeadLetterReason.RecipientTerminated));
                return;
            }
            if (gate.TryReserve())
            {
                EnqueueAndSchedule(message);
                return;
            }
        }
    }

    /// <summary>Enqueues a runtime message (timer, Terminated) that does not count against a bounded mailbox.</summary>
    public void PostInternal(object message)
    {
        if (IsTerminated) return; // timers and notifications for a dead actor are meaningless, not dead letters
        EnqueueAndSchedule(message);
    }

    private void EnqueueAndSchedule(object message)
    {
        _mailbox.Enqueue(message);
        int status = Volatile.Read(ref _status);
        if (status != ScheduledBit) AfterEnqueueSlow(status);
    }

    private void AfterEnqueueSlow(int status)
    {
        if ((status & TerminatedBit) != 0)
        {
            // We lost the race with termination: our message may be behind the final drain. Drain it ourselves.
            DrainMailboxToDeadLetters(DeadLetterReason.RecipientTerminated);
            return;
        }
        if (status == 0 && Interlocked.CompareExchange(ref _status, ScheduledBit, 0) == 0)
            Dispatch(preferLocal: false);
    }

    /// <summary>Sends a system message; to a terminated cell it is answered at once by the sender's thread.</summary>
    public void SendSystem(SystemMessage message)
    {
        var head = Volatile.Read(ref _systemInbox);
        while (true)
        {
            if (ReferenceEquals(head, ClosedSignal.Instance))
            {
                AnswerAfterTermination(message);
                return;
            }
            message.Next = head;
            var seen = Interlocked.CompareExchange(ref _systemInbox, message, head);
            if (ReferenceEquals(seen, head)) break;
            head = seen;
        }
        TrySchedule(preferLocal: false);
    }

    private void TrySchedule(bool preferLocal)
    {
        if (Volatile.Read(ref _status) == 0 && Interlocked.CompareExchange(ref _status, ScheduledBit, 0) == 0)
            Dispatch(preferLocal);
    }

    private void Dispatch(bool preferLocal)
    {
        var dispatcher = System.Dispatcher;
        if (dispatcher is null) ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal);
        else dispatcher.Schedule(this, preferLocal);
    }

    // ---- the turn --------------------------------------------------------------------------------------------

    /// <summary>One mailbox turn. Only ever runs on one thread at a time (guarded by the Scheduled bit).</summary>
    public void Execute()
    {
        RunTurn();
        if (_awaiting)
        {
            // Started only now, after the turn has let go of all state: the continuation may run at once on another thread.
            var parked = _parked;
            _parked = default;
            _ = AwaitPhaseAsync(parked);
        }
    }

    private void RunTurn()
    {
        if (_awaiting)
        {
            _awaiting = false;
            var phase = _pendingPhase;
            var error = _pendingError;
            _pendingPhase = Phase.None;
            _pendingError = null;
            FinishPhase(phase, error);
            if (_awaiting || _state == CellState.Terminated) return;
        }
        else if (_state == CellState.New)
        {
            Start();
            if (_awaiting || _state == CellState.Terminated) return;
        }

        int budget = System.Throughput;
        while (true)
        {
            if (Volatile.Read(ref _systemInbox) is not null || _systemBacklog is not null)
            {
                ProcessSystemMessages();
                if (_awaiting || _state == CellState.Terminated) return;
            }
            if (_state != CellState.Running) break;
            if (budget == 0)
            {
                if (!HasUserMessages) break;
                Dispatch(preferLocal: false); // yield to other actors; Scheduled stays set
                return;
            }
            if (!TryTakeUserMessage(out var message)) break;
            budget--;
            InvokeUserMessage(message);
            if (_awaiting || _state == CellState.Terminated) return;
        }

        Interlocked.Exchange(ref _status, 0); // full fence before re-checking the queues
        if (Volatile.Read(ref _systemInbox) is not null || (_state == CellState.Running && HasUserMessages))
            TrySchedule(preferLocal: false);
    }

    private bool HasUserMessages => _mailbox.HasItems || _extras?.Front is { Count: > 0 };

    private bool TryTakeUserMessage(out object message)
    {
        if (_extras?.Front is { Count: > 0 } front)
        {
            message = front.Dequeue();
            return true;
        }
        if (_mailbox.TryDequeue(out var item))
        {
            message = item!;
            if (_gate is not null && item is not InternalEnvelope) _gate.Release();
            return true;
        }
        message = null!;
        return false;
    }

    private void InvokeUserMessage(object message)
    {
        _currentMessage = message;
        ValueTask pending;
        try
        {
            pending = InvokeReceive(message);
        }
        catch (Exception exception)
        {
            FinishPhase(Phase.Receive, exception);
            return;
        }
        Continue(pending, Phase.Receive);
    }

    /// <summary>Finishes a phase now if its ValueTask completed, otherwise parks the turn until it does.</summary>
    private void Continue(ValueTask pending, Phase phase)
    {
        if (pending.IsCompleted)
        {
            Exception? error = null;
            try
            {
                pending.GetAwaiter().GetResult();
            }
            catch (Exception exception)
            {
                error = exception;
            }
            FinishPhase(phase, error);
            return;
        }
        _awaiting = true;
        _pendingPhase = phase;
        _parked = pending;
    }

    /// <summary>The only async state machine of a turn, used only when a handler really awaits.
    /// The error is not swallowed: the next turn hands it to <see cref="FinishPhase"/>.</summary>
    private async Task AwaitPhaseAsync(ValueTask pending)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            _pendingError = exception;
        }
        Dispatch(preferLocal: false);
    }

    /// <summary>The typed timer scheduler, kept untyped here (created on first use of <c>Context.Timers</c>).</summary>
    protected object? TimersSlot
    {
        get => _extras?.Timers;
        set => Extras.Timers = value;
    }

    /// <summary>The logger behind <c>Context.Log</c>, created on first use.</summary>
    public Microsoft.Extensions.Logging.ILogger ActorLogger(Type actorType) =>
        Extras.Log ??= new ActorLogger(System.LoggerFactory.CreateLogger(actorType.FullName ?? actorType.Name), this);

    /// <summary>The message being handled (for Stash), or null.</summary>
    public object? CurrentMessage
    {
        get => _currentMessage;
        set => _currentMessage = value;
    }

    private void DrainMailboxToDeadLetters(string reason)
    {
        lock (this)
        {
            while (_mailbox.TryDequeue(out var item))
                PublishLeftover(item!, reason);
        }
    }

    private void PublishLeftover(object message, string reason)
    {
        if (message is InternalEnvelope) return; // timers and notifications are runtime bookkeeping, not letters
        System.DeadLetters.Publish(new DeadLetter(message, SelfRef, reason));
    }

    private enum CellState : byte
    {
        New,
        Running,
        Suspended,
        WaitingForChildrenToRestart,
        BackingOff,
        Terminating,
        Stopping,
        Terminated,
    }

    private enum Phase : byte
    {
        None,
        Receive,
        PreStart,
        PreRestart,
        PostRestart,
        PostStop,
    }
}

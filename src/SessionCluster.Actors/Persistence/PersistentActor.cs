using System.Diagnostics;

namespace SessionCluster.Actors.Persistence;

/// <summary>
/// An event-sourced actor: its <see cref="State"/> is a fold of <see cref="Apply"/> over the events in the
/// journal, and it never runs ahead of them.
/// </summary>
/// <remarks>
/// <para>
/// <b>Recovery</b> runs before the first command (commands wait in the mailbox): the actor claims its
/// persistence id with a fresh writer id, so an older incarnation anywhere is fenced out; loads the latest
/// snapshot; replays the later events in order, checking that none is missing; then
/// <see cref="OnRecoveryCompletedAsync"/>. Any failure — the journal, a corrupted row, an unknown manifest,
/// a gap — logs once and stops the actor with <see cref="PersistenceFailureException"/>.
/// </para>
/// <para>
/// <b>Persisting.</b> <see cref="PersistAsync"/> and <see cref="PersistAllAsync"/> compute the new state
/// first (so an event <see cref="Apply"/> rejects is never written), append, and only when the journal has
/// confirmed the write durable assign <see cref="State"/>. Handlers are not re-entrant, so the next command
/// waits for the write: this is what lets a session persist a ratchet before its ciphertext leaves. If the
/// append fails the state is untouched, the actor stops (it cannot know whether the journal is ahead of it)
/// and the exception unwinds the handler, so no code after the persist runs. A restart is a new recovery.
/// </para>
/// <para>
/// <b>Snapshots</b> (when <see cref="SnapshotCodec"/> is set and <see cref="SnapshotEvery"/> &gt; 0) are
/// taken after every <see cref="SnapshotEvery"/> events; the events and older snapshots they cover are then
/// deleted. A snapshot failure only logs: the events are still there and recovery replays them.
/// </para>
/// </remarks>
/// <typeparam name="TCommand">The messages the actor handles.</typeparam>
/// <typeparam name="TState">An immutable state value.</typeparam>
/// <typeparam name="TEvent">The events' common type, encoded by <see cref="EventCodec"/>.</typeparam>
public abstract class PersistentActor<TCommand, TState, TEvent> : Actor<TCommand>
    where TCommand : class
    where TState : class
    where TEvent : class
{
    private readonly PersistenceStores _stores;
    private TState? _state;
    private string _writerId = string.Empty;
    private long _snapshotSequenceNr;
    private long _lastSnapshotAttempt;
    private bool _stopping;

    protected PersistentActor(string persistenceId, PersistenceStores stores)
    {
        ArgumentException.ThrowIfNullOrEmpty(persistenceId);
        PersistenceId = persistenceId;
        _stores = stores;
    }

    public string PersistenceId { get; }

    /// <summary>The state after the last confirmed event.</summary>
    protected TState State => _state ?? throw new InvalidOperationException($"'{PersistenceId}' has not recovered yet.");

    /// <summary>The sequence number of the last confirmed event (0: none).</summary>
    protected long LastSequenceNr { get; private set; }

    /// <summary>What the last recovery read; null until it completed.</summary>
    protected RecoveryResult? Recovery { get; private set; }

    /// <summary>The state before the first event.</summary>
    protected abstract TState InitialState { get; }

    protected abstract IEventCodec<TEvent> EventCodec { get; }

    /// <summary>Encodes snapshots; null (the default) takes none.</summary>
    protected virtual IEventCodec<TState>? SnapshotCodec => null;

    /// <summary>Events between snapshots; 0 (the default) takes none.</summary>
    protected virtual int SnapshotEvery => 0;

    /// <summary>The state after <paramref name="event"/>: pure, no side effects, also run during recovery.</summary>
    protected abstract TState Apply(TState state, TEvent @event);

    protected abstract ValueTask HandleCommandAsync(TCommand command);

    /// <summary>Runs once the state is recovered, before the first command.</summary>
    protected virtual ValueTask OnRecoveryCompletedAsync() => default;

    /// <summary>A fresh id for this incarnation's writes; the cluster will put the node and the shard epoch in it.</summary>
    protected virtual string NewWriterId() => Guid.NewGuid().ToString("N");

    protected internal sealed override async ValueTask PreStartAsync()
    {
        var started = Stopwatch.GetTimestamp();
        _state = InitialState;
        LastSequenceNr = 0;
        _snapshotSequenceNr = 0;
        _lastSnapshotAttempt = 0;
        try
        {
            _writerId = NewWriterId();
            var highest = await _stores.Journal.ClaimAsync(PersistenceId, _writerId).ConfigureAwait(false);
            await RecoverSnapshotAsync(highest).ConfigureAwait(false);
            var replayed = await ReplayAsync(highest).ConfigureAwait(false);
            Recovery = new RecoveryResult(_snapshotSequenceNr, replayed, highest, Stopwatch.GetElapsedTime(started));
            PersistenceLog.Recovered(Context.Log, PersistenceId, _snapshotSequenceNr, replayed, highest, Recovery.Duration.TotalMilliseconds);
        }
        catch (Exception e)
        {
            throw Fail(LastSequenceNr + 1, 0, e);
        }

        await OnRecoveryCompletedAsync().ConfigureAwait(false);
    }

    protected internal sealed override ValueTask ReceiveAsync(TCommand message) => HandleCommandAsync(message);

    /// <summary>Appends <paramref name="event"/>, and once the journal confirmed it, applies it to <see cref="State"/>.</summary>
    protected ValueTask PersistAsync(TEvent @event) => PersistAllAsync([@event]);

    /// <summary>Appends the events atomically (all or none) and then applies them in order.</summary>
    protected async ValueTask PersistAllAsync(IReadOnlyList<TEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return;
        }

        if (_stopping)
        {
            throw new InvalidOperationException($"'{PersistenceId}' is stopping after a persistence failure and persists nothing more.");
        }

        // Apply first: an event the state rejects throws here, before anything is written.
        var state = State;
        var first = LastSequenceNr + 1;
        var stored = new JournalEvent[events.Count];
        var now = Context.System.TimeProvider.GetUtcNow();
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            state = Apply(state, e);
            stored[i] = new JournalEvent(PersistenceId, first + i, EventCodec.ManifestOf(e), EventCodec.Encode(e), _writerId, now);
        }

        try
        {
            await _stores.Journal.AppendAsync(new AtomicWrite(PersistenceId, _writerId, stored)).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            throw Fail(first, events.Count, e);
        }

        _state = state;
        LastSequenceNr = first + events.Count - 1;
        if (SnapshotEvery > 0 && SnapshotCodec is { } codec && LastSequenceNr - _lastSnapshotAttempt >= SnapshotEvery)
        {
            await SaveSnapshotAsync(codec).ConfigureAwait(false);
        }
    }

    private async ValueTask RecoverSnapshotAsync(long highest)
    {
        if (SnapshotCodec is not { } codec)
        {
            return;
        }

        var snapshot = await _stores.SnapshotStore.LoadLatestAsync(PersistenceId, highest).ConfigureAwait(false);
        if (snapshot is null)
        {
            return;
        }

        _state = Decode(codec, snapshot.SequenceNr, snapshot.Manifest, snapshot.Payload.Span);
        LastSequenceNr = snapshot.SequenceNr;
        _snapshotSequenceNr = snapshot.SequenceNr;
        _lastSnapshotAttempt = snapshot.SequenceNr;
    }

    private async ValueTask<long> ReplayAsync(long highest)
    {
        long replayed = 0;
        var state = State;
        var codec = EventCodec;
        await foreach (var stored in _stores.Journal.ReplayAsync(PersistenceId, LastSequenceNr + 1, highest).ConfigureAwait(false))
        {
            if (stored.SequenceNr != LastSequenceNr + 1)
            {
                throw new JournalCorruptionException(PersistenceId, LastSequenceNr + 1, $"the journal holds {stored.SequenceNr} next, so events are missing");
            }

            state = Apply(state, Decode(codec, stored.SequenceNr, stored.Manifest, stored.Payload.Span));
            _state = state;
            LastSequenceNr = stored.SequenceNr;
            replayed++;
        }

        if (LastSequenceNr != highest)
        {
            throw new JournalCorruptionException(PersistenceId, LastSequenceNr + 1, $"the journal's highest sequence number is {highest} but replay ended at {LastSequenceNr}");
        }

        return replayed;
    }

    private T Decode<T>(IEventCodec<T> codec, long sequenceNr, string manifest, ReadOnlySpan<byte> payload)
        where T : class
    {
        try
        {
            return codec.Decode(manifest, payload);
        }
        catch (UnknownManifestException e)
        {
            throw new EventDecodeException(PersistenceId, sequenceNr, manifest, "no type is registered for the manifest", e);
        }
        catch (Exception e)
        {
            throw new EventDecodeException(PersistenceId, sequenceNr, manifest, "the payload is unreadable", e);
        }
    }

    private async ValueTask SaveSnapshotAsync(IEventCodec<TState> codec)
    {
        var state = State;
        var sequenceNr = LastSequenceNr;
        _lastSnapshotAttempt = sequenceNr;
        try
        {
            var snapshot = new SnapshotEntry(PersistenceId, sequenceNr, codec.ManifestOf(state), codec.Encode(state), Context.System.TimeProvider.GetUtcNow());
            await _stores.SnapshotStore.SaveAsync(snapshot).ConfigureAwait(false);
            _snapshotSequenceNr = sequenceNr;
            await _stores.Journal.DeleteUpToAsync(PersistenceId, sequenceNr).ConfigureAwait(false);
            await _stores.SnapshotStore.DeleteUpToAsync(PersistenceId, sequenceNr - 1).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Not fatal: the events are the truth and stay until a later snapshot covers them.
            PersistenceLog.SnapshotFailed(Context.Log, PersistenceId, sequenceNr, e);
        }
    }

    /// <summary>
    /// Called once when recovery or a persist failed, just before the actor stops; for metrics and tests.
    /// The failure is already logged.
    /// </summary>
    protected virtual void OnPersistenceFailure(PersistenceFailureException failure)
    {
    }

    /// <summary>Logs once, stops this actor, and returns the exception that unwinds the caller.</summary>
    private PersistenceFailureException Fail(long sequenceNr, int count, Exception error)
    {
        _stopping = true;
        if (count == 0)
        {
            PersistenceLog.RecoveryFailed(Context.Log, PersistenceId, error);
        }
        else
        {
            PersistenceLog.PersistFailed(Context.Log, PersistenceId, sequenceNr, count, sequenceNr - 1, error);
        }

        var failure = new PersistenceFailureException(PersistenceId, sequenceNr, count == 0 ? "recovery failed" : "persisting failed", error);
        Context.Stop(Context.Self);
        OnPersistenceFailure(failure);
        return failure;
    }
}

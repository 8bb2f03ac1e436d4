using System.Runtime.CompilerServices;
using SessionCluster.Actors.Persistence;

namespace SessionCluster.Actors.Tests.Persistence;

/// <summary>
/// A journal wrapper whose appends and replays a test can hold, fail, or tamper with, to pin what a
/// persistent actor does at each point of a write.
/// </summary>
public sealed class ControllableJournal(IJournal inner) : IJournal
{
    private TaskCompletionSource? _appendGate;
    private TaskCompletionSource? _replayGate;

    /// <summary>Completes when an append reached the journal while appends are held.</summary>
    public TaskCompletionSource AppendEntered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a replay started while replays are held.</summary>
    public TaskCompletionSource ReplayEntered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The exception the next append throws (once), after storing nothing.</summary>
    public Exception? FailNextAppend { get; set; }

    /// <summary>Replay skips this sequence number, as a journal that lost a row would.</summary>
    public long? DropOnReplay { get; set; }

    public IJournal Inner => inner;

    public void HoldAppends() => _appendGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void ReleaseAppends() => _appendGate?.TrySetResult();

    public void HoldReplays() => _replayGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void ReleaseReplays() => _replayGate?.TrySetResult();

    public ValueTask<long> ClaimAsync(string persistenceId, string writerId, CancellationToken cancellationToken = default) =>
        inner.ClaimAsync(persistenceId, writerId, cancellationToken);

    public async ValueTask AppendAsync(AtomicWrite write, CancellationToken cancellationToken = default)
    {
        if (_appendGate is { } gate)
        {
            AppendEntered.TrySetResult();
            await gate.Task.WaitAsync(cancellationToken);
        }

        if (FailNextAppend is { } failure)
        {
            FailNextAppend = null;
            throw failure;
        }

        await inner.AppendAsync(write, cancellationToken);
    }

    public async IAsyncEnumerable<JournalEvent> ReplayAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (_replayGate is { } gate)
        {
            ReplayEntered.TrySetResult();
            await gate.Task.WaitAsync(cancellationToken);
        }

        await foreach (var e in inner.ReplayAsync(persistenceId, fromSequenceNr, toSequenceNr, cancellationToken))
        {
            if (e.SequenceNr != DropOnReplay)
            {
                yield return e;
            }
        }
    }

    public ValueTask<long> ReadHighestSequenceNrAsync(string persistenceId, CancellationToken cancellationToken = default) =>
        inner.ReadHighestSequenceNrAsync(persistenceId, cancellationToken);

    public ValueTask DeleteUpToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default) =>
        inner.DeleteUpToAsync(persistenceId, toSequenceNr, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}

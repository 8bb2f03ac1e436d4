using System.Collections.Concurrent;

namespace SessionCluster.Actors.Persistence;

/// <summary>
/// An <see cref="ISnapshotStore"/> in process memory, for tests, with the SQL stores' semantics: a checksum
/// taken on save and verified on load, a second save at the same sequence number replacing the first.
/// </summary>
public sealed class InMemorySnapshotStore : ISnapshotStore
{
    private readonly ConcurrentDictionary<string, SortedList<long, StoredSnapshot>> _snapshots = new(StringComparer.Ordinal);
    private volatile bool _disposed;

    /// <inheritdoc />
    public ValueTask SaveAsync(SnapshotEntry snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentOutOfRangeException.ThrowIfNegative(snapshot.SequenceNr);
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_disposed, this);
        var bytes = snapshot.Payload.ToArray();
        var stored = new StoredSnapshot(snapshot with { Payload = bytes }, bytes, PayloadChecksum.Compute(snapshot.Manifest, bytes));
        var list = _snapshots.GetOrAdd(snapshot.PersistenceId, static _ => new SortedList<long, StoredSnapshot>());
        lock (list)
        {
            list[snapshot.SequenceNr] = stored;
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<SnapshotEntry?> LoadLatestAsync(string persistenceId, long maxSequenceNr = long.MaxValue, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistenceId);
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_snapshots.TryGetValue(persistenceId, out var list))
        {
            return ValueTask.FromResult<SnapshotEntry?>(null);
        }

        StoredSnapshot? found = null;
        lock (list)
        {
            var keys = list.Keys;
            for (var i = keys.Count - 1; i >= 0; i--)
            {
                if (keys[i] <= maxSequenceNr)
                {
                    found = list.Values[i];
                    break;
                }
            }
        }

        if (found is not { } s)
        {
            return ValueTask.FromResult<SnapshotEntry?>(null);
        }

        if (PayloadChecksum.Compute(s.Entry.Manifest, s.Bytes) != s.Checksum)
        {
            return ValueTask.FromException<SnapshotEntry?>(
                new JournalCorruptionException(persistenceId, s.Entry.SequenceNr, "the snapshot payload does not match its checksum"));
        }

        return ValueTask.FromResult<SnapshotEntry?>(s.Entry);
    }

    /// <inheritdoc />
    public ValueTask DeleteUpToAsync(string persistenceId, long maxSequenceNr, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistenceId);
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_snapshots.TryGetValue(persistenceId, out var list))
        {
            lock (list)
            {
                while (list.Count > 0 && list.Keys[0] <= maxSequenceNr)
                {
                    list.RemoveAt(0);
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Test hook: flips one bit of a stored snapshot's payload (or its checksum when the payload is empty).</summary>
    /// <returns>False when no such snapshot is stored.</returns>
    internal bool CorruptPayload(string persistenceId, long sequenceNr)
    {
        if (!_snapshots.TryGetValue(persistenceId, out var list))
        {
            return false;
        }

        lock (list)
        {
            if (!list.TryGetValue(sequenceNr, out var s))
            {
                return false;
            }

            if (s.Bytes.Length == 0)
            {
                list[sequenceNr] = s with { Checksum = ~s.Checksum };
            }
            else
            {
                s.Bytes[0] ^= 0x01;
            }

            return true;
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _disposed = true;
        return ValueTask.CompletedTask;
    }

    private readonly record struct StoredSnapshot(SnapshotEntry Entry, byte[] Bytes, int Checksum);
}

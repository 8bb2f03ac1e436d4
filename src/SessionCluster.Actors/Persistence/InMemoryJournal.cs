using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace SessionCluster.Actors.Persistence;

/// <summary>
/// An <see cref="IJournal"/> in process memory, for tests: the same semantics as the SQL journals (claims and
/// fencing, all-or-nothing writes, checksums verified on replay, deletions that keep the highest sequence
/// number), nothing survives the process.
/// </summary>
/// <remarks>
/// Each persistence id is one <see cref="Stream"/> guarded by its own lock, so actors never contend with each
/// other. Payloads are copied on write, so a caller that reuses its buffer cannot change a stored event.
/// </remarks>
public sealed class InMemoryJournal : IJournal
{
    private readonly ConcurrentDictionary<string, Stream> _streams = new(StringComparer.Ordinal);
    private volatile bool _disposed;

    /// <inheritdoc />
    public ValueTask<long> ClaimAsync(string persistenceId, string writerId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistenceId);
        ArgumentNullException.ThrowIfNull(writerId);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        var stream = _streams.GetOrAdd(persistenceId, static _ => new Stream());
        lock (stream)
        {
            stream.Writer = writerId;
            stream.Claimants.Add(writerId);
            return ValueTask.FromResult(stream.Highest);
        }
    }

    /// <inheritdoc />
    public ValueTask AppendAsync(AtomicWrite write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        write.Validate();
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        if (!_streams.TryGetValue(write.PersistenceId, out var stream))
        {
            return ValueTask.FromException(Rejected(write, WriteRejection.NotClaimed));
        }

        lock (stream)
        {
            if (stream.Writer != write.WriterId)
            {
                var reason = stream.Claimants.Contains(write.WriterId) ? WriteRejection.FencedOut : WriteRejection.NotClaimed;
                return ValueTask.FromException(Rejected(write, reason));
            }

            if (write.LowestSequenceNr <= stream.Highest)
            {
                return ValueTask.FromException(Rejected(write, WriteRejection.SequenceNrTaken));
            }

            if (write.LowestSequenceNr != stream.Highest + 1)
            {
                return ValueTask.FromException(new InvalidOperationException(
                    $"The write of '{write.PersistenceId}' starts at {write.LowestSequenceNr}, but the highest stored sequence number is {stream.Highest}: sequence numbers must be gapless."));
            }

            foreach (var e in write.Events)
            {
                var payload = e.Payload.ToArray();
                stream.Events.Add(new StoredEvent(e with { Payload = payload }, payload, PayloadChecksum.Compute(e.Manifest, payload)));
            }

            stream.Highest = write.HighestSequenceNr;
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<JournalEvent> ReplayAsync(
        string persistenceId, long fromSequenceNr, long toSequenceNr, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistenceId);
        ThrowIfDisposed();
        if (!_streams.TryGetValue(persistenceId, out var stream) || fromSequenceNr > toSequenceNr)
        {
            yield break;
        }

        StoredEvent[] page;
        lock (stream)
        {
            // Events are sorted by sequence number, so the range is one slice.
            var start = LowerBound(stream.Events, fromSequenceNr);
            var end = LowerBound(stream.Events, toSequenceNr == long.MaxValue ? long.MaxValue : toSequenceNr + 1);
            page = stream.Events.GetRange(start, end - start).ToArray();
        }

        foreach (var stored in page)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (PayloadChecksum.Compute(stored.Event.Manifest, stored.Bytes) != stored.Checksum)
            {
                throw new JournalCorruptionException(persistenceId, stored.Event.SequenceNr, "the payload does not match its checksum");
            }

            yield return stored.Event;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask<long> ReadHighestSequenceNrAsync(string persistenceId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistenceId);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        if (!_streams.TryGetValue(persistenceId, out var stream))
        {
            return ValueTask.FromResult(0L);
        }

        lock (stream)
        {
            return ValueTask.FromResult(stream.Highest);
        }
    }

    /// <inheritdoc />
    public ValueTask DeleteUpToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistenceId);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfDisposed();
        if (_streams.TryGetValue(persistenceId, out var stream))
        {
            lock (stream)
            {
                // The highest sequence number lives in the stream, not in the events, so it survives.
                stream.Events.RemoveRange(0, LowerBound(stream.Events, toSequenceNr == long.MaxValue ? long.MaxValue : toSequenceNr + 1));
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Test hook: flips one bit of the stored payload of an event, as a bad disk would.</summary>
    /// <returns>False when no such event is stored.</returns>
    internal bool CorruptPayload(string persistenceId, long sequenceNr)
    {
        if (!_streams.TryGetValue(persistenceId, out var stream))
        {
            return false;
        }

        lock (stream)
        {
            var i = LowerBound(stream.Events, sequenceNr);
            if (i == stream.Events.Count || stream.Events[i].Event.SequenceNr != sequenceNr)
            {
                return false;
            }

            var bytes = stream.Events[i].Bytes;
            if (bytes.Length == 0)
            {
                // Nothing to flip in an empty payload: corrupt the stored checksum instead.
                stream.Events[i] = stream.Events[i] with { Checksum = ~stream.Events[i].Checksum };
            }
            else
            {
                bytes[0] ^= 0x01;
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

    private static JournalWriteRejectedException Rejected(AtomicWrite write, WriteRejection reason) =>
        new(write.PersistenceId, write.LowestSequenceNr, write.WriterId, reason);

    private static int LowerBound(List<StoredEvent> events, long sequenceNr)
    {
        int lo = 0, hi = events.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (events[mid].Event.SequenceNr < sequenceNr)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    /// <summary>The events of one persistence id; every field is guarded by locking the instance.</summary>
    private sealed class Stream
    {
        public string? Writer;
        public long Highest;
        public readonly HashSet<string> Claimants = new(StringComparer.Ordinal);
        public readonly List<StoredEvent> Events = [];
    }

    /// <summary>An event with its own copy of the payload (<paramref name="Bytes"/>, which the corruption hook flips) and the checksum taken on write.</summary>
    private readonly record struct StoredEvent(JournalEvent Event, byte[] Bytes, int Checksum);
}

using System.Collections.Immutable;
using Akka.Persistence;
using Akka.Persistence.Journal;
using SessionCluster.Sessions.State.Proto;

namespace SessionCluster.Sessions.Tests.Support;

/// <summary>
/// Akka's in-memory journal that holds the first write carrying an event the gate matches (by default
/// <see cref="SessionLinked"/>) until the test releases it, so a test can look at the world while that event is not yet
/// durable. One test at a time uses it (the gate is static: the tests using it share the "gated journal" collection).
/// </summary>
internal sealed class GatedMemoryJournal : MemoryJournal
{
    public const string Config = """
        akka.persistence.journal.plugin = "akka.persistence.journal.gated"
        akka.persistence.journal.gated {
          class = "SessionCluster.Sessions.Tests.Support.GatedMemoryJournal, SessionCluster.Sessions.Tests"
          plugin-dispatcher = "akka.actor.default-dispatcher"
        }
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
        """;

    public static TaskCompletionSource Reached { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static TaskCompletionSource Release { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The first QR string written (the in-memory journal has no query side).</summary>
    public static TaskCompletionSource<string> FirstQr { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Which event's write is held; null: none (yet).</summary>
    public static Func<object, bool>? Gate { get; set; }

    /// <summary>For each write that held MessageReceived events, how many (in write order).</summary>
    public static System.Collections.Concurrent.ConcurrentQueue<int> MessagesPerWrite { get; private set; } = new();

    /// <summary>The message ids of the MessageReceived events written, in write order.</summary>
    public static System.Collections.Concurrent.ConcurrentQueue<string> ReceivedIds { get; private set; } = new();

    public static void Reset(Func<object, bool>? gate = null)
    {
        MessagesPerWrite = new();
        ReceivedIds = new();
        Gate = gate ?? (e => e is SessionLinked);
        FirstQr = new(TaskCreationOptions.RunContinuationsAsynchronously);
        Reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        Release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    protected override async Task<IImmutableList<Exception>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        var writes = messages.ToList();
        foreach (var write in writes)
        {
            var received = ((IEnumerable<IPersistentRepresentation>)write.Payload)
                .Select(p => p.Payload).OfType<SessionEventRecord>()
                .Where(r => r.BodyCase == SessionEventRecord.BodyOneofCase.MessageReceived)
                .Select(r => r.MessageReceived.MessageId)
                .ToList();
            if (received.Count > 0)
            {
                MessagesPerWrite.Enqueue(received.Count);
                received.ForEach(ReceivedIds.Enqueue);
            }
        }

        foreach (var record in writes.SelectMany(w => (IEnumerable<IPersistentRepresentation>)w.Payload).Select(p => p.Payload).OfType<SessionEventRecord>())
        {
            if (record.BodyCase == SessionEventRecord.BodyOneofCase.QrCode)
            {
                FirstQr.TrySetResult(record.QrCode.Qr);
            }
        }

        if (Gate is { } gate && !Release.Task.IsCompleted && writes.Any(w => ((IEnumerable<IPersistentRepresentation>)w.Payload).Any(p => gate(p.Payload))))
        {
            Reached.TrySetResult();
            await Release.Task;
        }

        return await base.WriteMessagesAsync(writes, cancellationToken);
    }
}

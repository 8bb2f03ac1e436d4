using System.Collections.Immutable;
using Akka.Persistence;
using Akka.Persistence.Journal;
using SessionCluster.Sessions.State.Proto;

namespace SessionCluster.Sessions.Tests.Support;

/// <summary>
/// Akka's in-memory journal that holds the first write carrying what <see cref="Holds"/> picks (by default
/// <see cref="SessionLinked"/>) until the test releases it, so a test can look at the world while that is not yet
/// durable. One test at a time uses it (the gate is static): the tests that do are in <see cref="Collection"/>.
/// </summary>
internal sealed class GatedMemoryJournal : MemoryJournal
{
    /// <summary>The xunit collection of the tests using the gate, so that they never run at the same time.</summary>
    public const string Collection = "gated journal";

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

    /// <summary>Which persisted payload makes its write wait for <see cref="Release"/> (the first such write only).</summary>
    public static Func<object, bool> Holds { get; set; } = IsLinked;

    public static void Reset()
    {
        Holds = IsLinked;
        FirstQr = new(TaskCreationOptions.RunContinuationsAsynchronously);
        Reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        Release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    protected override async Task<IImmutableList<Exception>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        var writes = messages.ToList();
        foreach (var record in writes.SelectMany(w => (IEnumerable<IPersistentRepresentation>)w.Payload).Select(p => p.Payload).OfType<SessionEventRecord>())
        {
            if (record.BodyCase == SessionEventRecord.BodyOneofCase.QrCode)
            {
                FirstQr.TrySetResult(record.QrCode.Qr);
            }
        }

        if (writes.Any(w => ((IEnumerable<IPersistentRepresentation>)w.Payload).Any(p => Holds(p.Payload))) && Reached.TrySetResult())
        {
            await Release.Task;
        }

        return await base.WriteMessagesAsync(writes, cancellationToken);
    }

    private static bool IsLinked(object payload) => payload is SessionLinked;
}

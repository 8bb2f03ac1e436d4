using System.Collections.Immutable;
using Akka.Actor;
using Akka.Persistence;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace SessionCluster.Persistence.Tests.Spec.Journal;

/// <summary>
/// What a journal plugin must do for SessionCluster, spoken to the way a persistent actor speaks to it
/// (<see cref="WriteMessages"/>, <see cref="ReplayMessages"/>, <see cref="DeleteMessagesTo"/>). A provider subclasses
/// this and supplies <see cref="PluginSpec.CreatePluginConfigAsync"/>; the tests are written once. Where a provider
/// does something else, its subclass overrides the test with one that pins what it does (docs/PERSISTENCE-SPEC.md).
/// </summary>
/// <remarks>The tests are split by concern: replay, deletion, writes, and the fields an event keeps.</remarks>
public abstract partial class JournalSpec(ITestOutputHelper output) : PluginSpec(output)
{
    /// <summary>The incarnation of the writing actor; the journal echoes it in every reply.</summary>
    protected const int ActorInstanceId = 7;

    /// <summary>The journal <c>akka.persistence.journal.plugin</c> names.</summary>
    protected IActorRef Journal => Akka.Persistence.Persistence.Instance.Apply(Sys).JournalFor(null);

    /// <summary>The payload the helpers write at <paramref name="sequenceNr"/>.</summary>
    protected static string Text(long sequenceNr) => $"event-{sequenceNr}";

    protected Persistent Event(string persistenceId, long sequenceNr, object? payload = null, string manifest = "", IActorRef? sender = null) =>
        new(payload ?? Text(sequenceNr), sequenceNr, persistenceId, manifest, false, sender ?? ActorRefs.NoSender, WriterGuid);

    protected static AtomicWrite Atomic(params Persistent[] events) =>
        new(events.ToImmutableList<IPersistentRepresentation>());

    /// <summary>
    /// Writes 1..<paramref name="count"/>: each alone in its atomic write except the last two, which share one (as
    /// <c>PersistAll</c> writes them).
    /// </summary>
    protected async Task SeedAsync(string persistenceId, int count)
    {
        var writes = Enumerable.Range(1, count - 2).Select(n => Atomic(Event(persistenceId, n))).ToList();
        writes.Add(Atomic(Event(persistenceId, count - 1), Event(persistenceId, count)));
        await WriteAsync([.. writes]);
    }

    /// <summary>Writes and asserts that the whole batch and then every event, in order, were acknowledged.</summary>
    protected async Task WriteAsync(params AtomicWrite[] writes)
    {
        var probe = Kit.CreateTestProbe();
        Journal.Tell(new WriteMessages(writes, probe.Ref, ActorInstanceId));
        await probe.ExpectMsgAsync<WriteMessagesSuccessful>();
        foreach (var written in writes.SelectMany(EventsOf))
        {
            var success = await probe.ExpectMsgAsync<WriteMessageSuccess>();
            Assert.Equal((written.PersistenceId, written.SequenceNr), (success.Persistent.PersistenceId, success.Persistent.SequenceNr));
            Assert.Equal(ActorInstanceId, success.ActorInstanceId);
        }
    }

    protected static IEnumerable<IPersistentRepresentation> EventsOf(AtomicWrite write) =>
        (IEnumerable<IPersistentRepresentation>)write.Payload;

    /// <summary>Everything a replay sends back, up to and including its end: the events and the highest sequence number.</summary>
    protected sealed record Replay(IReadOnlyList<IPersistentRepresentation> Events, long HighestSequenceNr)
    {
        public IEnumerable<long> SequenceNrs => Events.Select(e => e.SequenceNr);

        public IEnumerable<object> Payloads => Events.Select(e => e.Payload);
    }

    protected async Task<Replay> ReplayAsync(string persistenceId, long from = 1, long to = long.MaxValue, long max = long.MaxValue)
    {
        var probe = Kit.CreateTestProbe();
        Journal.Tell(new ReplayMessages(from, to, max, persistenceId, probe.Ref));
        var events = new List<IPersistentRepresentation>();
        while (true)
        {
            switch (await probe.ExpectMsgAsync<object>())
            {
                case ReplayedMessage replayed:
                    events.Add(replayed.Persistent);
                    break;
                case RecoverySuccess end:
                    return new Replay(events, end.HighestSequenceNr);
                case ReplayMessagesFailure failure:
                    throw new XunitException($"The replay of {persistenceId} failed: {failure.Cause}");
                case var other:
                    throw new XunitException($"The replay of {persistenceId} sent {other}.");
            }
        }
    }

    /// <summary>Asserts a replay returned exactly the helper-written events <paramref name="from"/>..<paramref name="to"/>, none marked deleted.</summary>
    protected static void AssertEvents(Replay replay, string persistenceId, long from, long to)
    {
        var expected = from > to ? [] : Enumerable.Range((int)from, (int)(to - from + 1)).Select(n => (persistenceId, (long)n, (object)Text(n), false));
        Assert.Equal(expected, replay.Events.Select(e => (e.PersistenceId, e.SequenceNr, e.Payload, e.IsDeleted)));
    }

    protected async Task DeleteToAsync(string persistenceId, long toSequenceNr)
    {
        var probe = Kit.CreateTestProbe();
        Journal.Tell(new DeleteMessagesTo(persistenceId, toSequenceNr, probe.Ref));
        var deleted = await probe.ExpectMsgAsync<DeleteMessagesSuccess>();
        Assert.Equal(toSequenceNr, deleted.ToSequenceNr);
    }
}

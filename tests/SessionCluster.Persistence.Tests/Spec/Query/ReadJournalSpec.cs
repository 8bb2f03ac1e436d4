using System.Collections.Immutable;
using Akka;
using Akka.Actor;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Akka.Persistence.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using Xunit.Abstractions;

namespace SessionCluster.Persistence.Tests.Spec.Query;

/// <summary>
/// What a read journal must do for SessionCluster's per-session queries: <see cref="ICurrentEventsByPersistenceIdQuery"/>
/// (what is stored now, then complete) and <see cref="IEventsByPersistenceIdQuery"/> (what is stored, then what is
/// written later). Events are written through the journal <c>akka.persistence.journal.plugin</c> names; the
/// provider's subclass supplies that journal's HOCON and the read journal's id.
/// </summary>
public abstract partial class ReadJournalSpec(ITestOutputHelper output) : PluginSpec(output)
{
    /// <summary>The HOCON path of the read journal's settings, passed to <c>PersistenceQuery.ReadJournalFor</c>.</summary>
    protected abstract string ReadJournalPluginId { get; }

    protected IReadJournal ReadJournal => PersistenceQuery.Get(Sys).ReadJournalFor<IReadJournal>(ReadJournalPluginId);

    protected ICurrentEventsByPersistenceIdQuery CurrentQueries => Assert.IsAssignableFrom<ICurrentEventsByPersistenceIdQuery>(ReadJournal);

    protected IEventsByPersistenceIdQuery LiveQueries => Assert.IsAssignableFrom<IEventsByPersistenceIdQuery>(ReadJournal);

    private IActorRef Journal => Akka.Persistence.Persistence.Instance.Apply(Sys).JournalFor(null);

    protected static string Text(long sequenceNr) => $"event-{sequenceNr}";

    /// <summary>Runs <paramref name="source"/> into a probe that requests nothing until the test does.</summary>
    protected TestSubscriber.Probe<EventEnvelope> Run(Source<EventEnvelope, NotUsed> source) =>
        source.RunWith(Kit.SinkProbe<EventEnvelope>(), Sys.Materializer());

    /// <summary>Expects the helper-written events <paramref name="from"/>..<paramref name="to"/> of <paramref name="persistenceId"/>, in order.</summary>
    protected static async Task ExpectEventsAsync(TestSubscriber.Probe<EventEnvelope> probe, string persistenceId, long from, long to)
    {
        for (var sequenceNr = from; sequenceNr <= to; sequenceNr++)
        {
            var envelope = await probe.ExpectNextAsync();
            Assert.Equal((persistenceId, sequenceNr, (object)Text(sequenceNr)), (envelope.PersistenceId, envelope.SequenceNr, envelope.Event));
        }
    }

    /// <summary>Writes events <paramref name="from"/>..<paramref name="to"/> (payloads optionally tagged) and waits for every acknowledgement.</summary>
    protected async Task WriteAsync(string persistenceId, long from, long to, params string[] tags)
    {
        var probe = Kit.CreateTestProbe();
        var writes = new List<AtomicWrite>();
        for (var sequenceNr = from; sequenceNr <= to; sequenceNr++)
        {
            object payload = tags.Length == 0 ? Text(sequenceNr) : new Tagged(Text(sequenceNr), tags);
            writes.Add(new AtomicWrite(ImmutableList.Create<IPersistentRepresentation>(
                new Persistent(payload, sequenceNr, persistenceId, string.Empty, false, ActorRefs.NoSender, WriterGuid))));
        }

        Journal.Tell(new WriteMessages(writes, probe.Ref, 1));
        await probe.ExpectMsgAsync<WriteMessagesSuccessful>();
        for (var i = from; i <= to; i++)
        {
            await probe.ExpectMsgAsync<WriteMessageSuccess>();
        }
    }

    protected async Task DeleteToAsync(string persistenceId, long toSequenceNr)
    {
        var probe = Kit.CreateTestProbe();
        Journal.Tell(new DeleteMessagesTo(persistenceId, toSequenceNr, probe.Ref));
        await probe.ExpectMsgAsync<DeleteMessagesSuccess>();
    }

    [Fact]
    public virtual void The_read_journal_answers_both_persistence_id_queries()
    {
        Assert.IsAssignableFrom<ICurrentEventsByPersistenceIdQuery>(ReadJournal);
        Assert.IsAssignableFrom<IEventsByPersistenceIdQuery>(ReadJournal);
    }
}

using System.Text;
using SessionCluster.Actors.Persistence;

namespace SessionCluster.Storage.Tests.Contracts;

/// <summary>Builds writes whose payloads can be recognised on replay: each names its persistence id and sequence number.</summary>
internal static class TestEvents
{
    public const string Manifest = "test.Event";

    public static byte[] PayloadOf(string persistenceId, long sequenceNr) => Encoding.UTF8.GetBytes($"{persistenceId}#{sequenceNr}:payload");

    public static AtomicWrite Write(string persistenceId, string writerId, long fromSequenceNr, int count = 1)
    {
        var events = new JournalEvent[count];
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < count; i++)
        {
            var sequenceNr = fromSequenceNr + i;
            events[i] = new JournalEvent(persistenceId, sequenceNr, Manifest, PayloadOf(persistenceId, sequenceNr), writerId, now);
        }

        return new AtomicWrite(persistenceId, writerId, events);
    }

    public static async Task<List<JournalEvent>> ReplayAllAsync(this IJournal journal, string persistenceId, long from = 1, long to = long.MaxValue)
    {
        var events = new List<JournalEvent>();
        await foreach (var e in journal.ReplayAsync(persistenceId, from, to))
        {
            events.Add(e);
        }

        return events;
    }

    /// <summary>Asserts the replayed events are exactly <paramref name="from"/>..<paramref name="to"/> as <see cref="Write"/> made them.</summary>
    public static void AssertSequence(IReadOnlyList<JournalEvent> events, string persistenceId, long from, long to, string? writerId = null)
    {
        Assert.Equal(to - from + 1, events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            Assert.Equal(persistenceId, e.PersistenceId);
            Assert.Equal(from + i, e.SequenceNr);
            Assert.Equal(Manifest, e.Manifest);
            Assert.Equal(PayloadOf(persistenceId, from + i), e.Payload.ToArray());
            if (writerId is not null)
            {
                Assert.Equal(writerId, e.WriterId);
            }
        }
    }
}

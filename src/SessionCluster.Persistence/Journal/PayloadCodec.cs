using Akka.Actor;
using Akka.Persistence.Journal;
using SessionCluster.Persistence.Store;

namespace SessionCluster.Persistence.Journal;

/// <summary>
/// Akka values to stored rows and back, through the ActorSystem's serialization (our protobuf serializer for
/// protobuf events, whatever is bound for anything else). Shared by the journal, snapshot store and read journal.
/// </summary>
internal sealed class PayloadCodec(ExtendedActorSystem system)
{
    private readonly Akka.Serialization.Serialization _serialization = system.Serialization;

    public (int SerializerId, string Manifest, byte[] Bytes) Serialize(object value)
    {
        var serializer = _serialization.FindSerializerFor(value);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, value);
        var bytes = Akka.Serialization.Serialization.WithTransport(system, (serializer, value), static s => s.serializer.ToBinary(s.value));
        return (serializer.Identifier, manifest, bytes);
    }

    /// <summary>Throws <see cref="EventDecodeException"/> naming the persistence id and sequence number.</summary>
    public object Deserialize(string persistenceId, long sequenceNr, int serializerId, string manifest, ReadOnlyMemory<byte> payload)
    {
        try
        {
            return _serialization.Deserialize(payload.ToArray(), serializerId, manifest);
        }
        catch (Exception e)
        {
            throw new EventDecodeException(persistenceId, sequenceNr, manifest, e);
        }
    }

    /// <summary>One event of an Akka write as a row; the payload's <see cref="Tagged"/> wrapper becomes the tags column.</summary>
    public JournalEvent ToRow(Akka.Persistence.IPersistentRepresentation persistent, DateTimeOffset now)
    {
        var payload = persistent.Payload;
        var tags = "";
        if (payload is Tagged tagged)
        {
            payload = tagged.Payload;
            tags = TagList.Join(tagged.Tags);
        }

        var (serializerId, manifest, bytes) = Serialize(payload);
        return new JournalEvent(
            persistent.PersistenceId, persistent.SequenceNr, serializerId, manifest, persistent.Manifest ?? "", bytes, tags, persistent.WriterGuid, now);
    }

    public Akka.Persistence.Persistent ToPersistent(JournalEvent row) => new(
        Deserialize(row.PersistenceId, row.SequenceNr, row.SerializerId, row.Manifest, row.Payload),
        row.SequenceNr,
        row.PersistenceId,
        row.EventManifest,
        isDeleted: false,
        ActorRefs.NoSender,
        row.WriterId,
        row.Timestamp.UtcTicks);
}

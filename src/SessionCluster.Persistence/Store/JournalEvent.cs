namespace SessionCluster.Persistence.Store;

/// <summary>
/// One event as the stores keep it: already serialized by Akka's serialization, so the SQL code never sees the
/// actors' types. <paramref name="SequenceNr"/> starts at 1 and only grows per <paramref name="PersistenceId"/>
/// (a write Akka rejected leaves a gap); <paramref name="WriterId"/> is the incarnation that wrote it.
/// </summary>
/// <param name="SerializerId">The Akka serializer that wrote <paramref name="Payload"/>.</param>
/// <param name="Manifest">That serializer's manifest for the payload (the protobuf message name for our events).</param>
/// <param name="EventManifest">Akka's event-adapter manifest (<c>Persistent.Manifest</c>), usually empty.</param>
/// <param name="Tags">The event's tags, joined by <see cref="TagList.Separator"/>; empty when untagged.</param>
internal sealed record JournalEvent(
    string PersistenceId,
    long SequenceNr,
    int SerializerId,
    string Manifest,
    string EventManifest,
    ReadOnlyMemory<byte> Payload,
    string Tags,
    string WriterId,
    DateTimeOffset Timestamp);

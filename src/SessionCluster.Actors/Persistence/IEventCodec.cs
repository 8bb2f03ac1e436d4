namespace SessionCluster.Actors.Persistence;

/// <summary>
/// Turns events (or snapshot states) into a manifest plus bytes and back. The manifest names the schema
/// the bytes follow, so a renamed or replaced type can still be read by registering its old manifest.
/// </summary>
public interface IEventCodec<T>
    where T : class
{
    string ManifestOf(T value);

    byte[] Encode(T value);

    /// <summary>
    /// Throws <see cref="UnknownManifestException"/> when no type is registered for <paramref name="manifest"/>
    /// and <see cref="Google.Protobuf.InvalidProtocolBufferException"/> (or another exception) for unreadable bytes;
    /// the persistent actor turns both into <see cref="EventDecodeException"/> with the persistence id and sequence number.
    /// </summary>
    T Decode(string manifest, ReadOnlySpan<byte> payload);
}

/// <summary>No type is registered for a stored manifest: the event was written by a newer or foreign schema.</summary>
public sealed class UnknownManifestException(string manifest)
    : Exception($"No type is registered for the manifest '{manifest}'.")
{
    public string Manifest { get; } = manifest;
}

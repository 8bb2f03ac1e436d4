using System.Reflection;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace SessionCluster.Persistence.Serialization;

/// <summary>
/// The protobuf messages <see cref="ProtobufSerializer"/> reads, by manifest: each message's full protobuf name
/// (<c>sessioncluster.sessions.MessageReceived</c>), plus aliases for names that events were once stored under.
/// Protobuf's own rules (new fields optional, unknown fields kept) let a message grow; a message renamed or moved
/// keeps reading through an alias.
/// </summary>
public sealed class ProtobufMessageTypes
{
    private readonly Dictionary<string, MessageParser> _parsers = new(StringComparer.Ordinal);

    /// <summary>Registers a message type under its full protobuf name.</summary>
    public ProtobufMessageTypes Add(MessageDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        // The same message registered twice (two assemblies listing one type) is harmless; two types under one name is not.
        if (_parsers.TryGetValue(descriptor.FullName, out var known) && known != descriptor.Parser)
        {
            throw new ArgumentException($"The manifest '{descriptor.FullName}' is registered twice.", nameof(descriptor));
        }

        _parsers[descriptor.FullName] = descriptor.Parser;
        return this;
    }

    /// <summary>Registers every generated message type of <paramref name="assembly"/> (nested ones included).</summary>
    public ProtobufMessageTypes AddAssembly(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        foreach (var type in assembly.GetTypes())
        {
            if (type.IsClass && !type.IsAbstract && typeof(IMessage).IsAssignableFrom(type) &&
                type.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) is MessageDescriptor descriptor)
            {
                Add(descriptor);
            }
        }

        return this;
    }

    /// <summary>Reads payloads stored under <paramref name="oldManifest"/> as the message now called <paramref name="currentManifest"/>.</summary>
    public ProtobufMessageTypes Alias(string oldManifest, string currentManifest)
    {
        if (!_parsers.TryGetValue(currentManifest, out var parser))
        {
            throw new ArgumentException($"The alias '{oldManifest}' names '{currentManifest}', which is not registered.", nameof(currentManifest));
        }

        if (!_parsers.TryAdd(oldManifest, parser))
        {
            throw new ArgumentException($"The manifest '{oldManifest}' is registered twice.", nameof(oldManifest));
        }

        return this;
    }

    internal bool TryGetParser(string manifest, out MessageParser parser) => _parsers.TryGetValue(manifest, out parser!);
}

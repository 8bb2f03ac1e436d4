using System.Reflection;
using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;
using Google.Protobuf;

namespace SessionCluster.Persistence.Serialization;

/// <summary>
/// Akka serializer for protobuf messages (events, snapshots and anything else bound to <see cref="IMessage"/>):
/// the manifest is the message's full protobuf name, the bytes its wire form. Bound in <c>persistence.conf</c>;
/// which messages it reads comes from its settings (<c>assemblies</c>, <c>aliases</c>) or from a
/// <see cref="ProtobufMessageTypes"/> handed in through Akka.Hosting.
/// </summary>
public sealed class ProtobufSerializer : SerializerWithStringManifest
{
    /// <summary>The serializer's identifier, stored beside every payload it wrote: never change it.</summary>
    public const int SerializerId = 3710;

    private readonly ProtobufMessageTypes _types;

    /// <summary>Built by Akka from <c>akka.actor.serialization-settings.sc-protobuf</c>.</summary>
    public ProtobufSerializer(ExtendedActorSystem system, Config config)
        : this(system, FromConfig(config))
    {
    }

    public ProtobufSerializer(ExtendedActorSystem system, ProtobufMessageTypes types)
        : base(system) => _types = types ?? throw new ArgumentNullException(nameof(types));

    public override int Identifier => SerializerId;

    public override string Manifest(object o) => AsMessage(o).Descriptor.FullName;

    public override byte[] ToBinary(object obj) => AsMessage(obj).ToByteArray();

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (!_types.TryGetParser(manifest, out var parser))
        {
            throw new SerializationException(
                $"No protobuf message is registered under the manifest '{manifest}' (add its assembly, or an alias if it was renamed).");
        }

        return parser.ParseFrom(bytes);
    }

    private static IMessage AsMessage(object value) =>
        value as IMessage ?? throw new SerializationException($"{value?.GetType().FullName ?? "null"} is not a protobuf message.");

    private static ProtobufMessageTypes FromConfig(Config? config)
    {
        var types = new ProtobufMessageTypes();
        if (config is null || config.IsEmpty)
        {
            return types;
        }

        foreach (var name in config.GetStringList("assemblies", []))
        {
            types.AddAssembly(Assembly.Load(name));
        }

        var aliases = config.GetConfig("aliases");
        if (aliases is not null && !aliases.IsEmpty)
        {
            foreach (var entry in aliases.AsEnumerable())
            {
                types.Alias(entry.Key, entry.Value.GetString());
            }
        }

        return types;
    }
}

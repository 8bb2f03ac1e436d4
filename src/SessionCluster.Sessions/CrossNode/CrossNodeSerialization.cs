using Akka.Configuration;
using Akka.Hosting;

namespace SessionCluster.Sessions.CrossNode;

/// <summary>
/// How the session's commands, replies and live events cross nodes: Hyperion (Akka.Serialization.Hyperion) for every
/// user message, in place of Akka's default Newtonsoft JSON.
/// <para>
/// Why: the messages are records whose constructors validate (<see cref="SessionId"/>, <see cref="SessionOptions"/>),
/// hold <c>byte[]</c>, <c>ReadOnlyMemory&lt;byte&gt;</c>, <c>IReadOnlyList</c>s of records and protobuf messages, and
/// carry typed enums and exceptions. JSON writes properties and rebuilds through constructors and setters, so it loses
/// get-only values, interface-typed lists and protobuf internals; Hyperion copies fields with their exact runtime
/// types and rebuilds without running constructors, so what arrives equals what was sent. The sweep in
/// <c>tests/SessionCluster.Edge.Tests/Cluster/CrossNodeSerializationTests</c> proves it for every command, reply and
/// event type. Bindings already more specific than <see cref="object"/> (the journal's protobuf serializer for
/// <see cref="Google.Protobuf.IMessage"/>, Akka's own system messages) keep theirs (docs/CLUSTER.md "Messages between nodes").
/// </para>
/// </summary>
public static class CrossNodeSerialization
{
    /// <summary>The serializer's name in <c>akka.actor.serializers</c>.</summary>
    public const string SerializerName = "hyperion";

    /// <summary>
    /// The largest message one node sends another: 8 MiB. Akka's default, 128,000 bytes, is less than a history-sync
    /// event (up to <see cref="Flows.HistorySyncs.MaxItemsPerEvent"/> messages, a few hundred KB with ordinary texts) or
    /// a large group's info can be. Remoting drops a larger message (logged): a reply is then an ask timeout, and a live
    /// event is read from the journal by the stream when the session's next event shows the gap.
    /// </summary>
    public const string MaximumFrameSize = "8MiB";

    /// <summary>The HOCON that binds every user message (<see cref="object"/>) to Hyperion, for an ActorSystem made without Akka.Hosting.</summary>
    public static Config Hocon { get; } = ConfigurationFactory.ParseString($$"""
        akka.actor {
          serializers.{{SerializerName}} = "Akka.Serialization.HyperionSerializer, Akka.Serialization.Hyperion"
          serialization-bindings { "System.Object" = {{SerializerName}} }
        }
        akka.remote.dot-netty.tcp.maximum-frame-size = {{MaximumFrameSize}}
        """);

    /// <summary>Binds every user message to Hyperion on the node being built (call it on every node of a cluster: both ends must agree).</summary>
    public static AkkaConfigurationBuilder WithCrossNodeSerialization(this AkkaConfigurationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddHocon(Hocon, HoconAddMode.Prepend);
    }
}

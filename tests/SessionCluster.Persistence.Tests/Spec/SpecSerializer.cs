using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.Serialization;

namespace SessionCluster.Persistence.Tests.Spec;

/// <summary>
/// A payload written by <see cref="SpecSerializer"/>. <see cref="ReadFromBytes"/> is set only by the serializer's
/// read side, so a replayed or loaded payload shows whether the store really went through Akka serialization.
/// </summary>
public sealed record SpecPayload(string Text)
{
    public bool ReadFromBytes { get; init; }

    /// <summary>What a payload written as <paramref name="text"/> must come back as from a serializing store.</summary>
    public static SpecPayload Stored(string text) => new(text) { ReadFromBytes = true };
}

/// <summary>A payload <see cref="SpecSerializer"/> refuses to write: the stand-in for an event no serializer can handle.</summary>
public sealed record Unwritable(string Why);

/// <summary>
/// A serializer with a string manifest, like the protobuf serializer SessionCluster binds its events to: the
/// manifest names the type and its version, and reading needs that manifest back.
/// </summary>
public sealed class SpecSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const string PayloadManifest = "spec-payload/v1";

    /// <summary>Outside Akka's reserved range (0-100) and away from the ids SessionCluster's own serializers use.</summary>
    public override int Identifier => 730_101;

    public override byte[] ToBinary(object obj) => obj switch
    {
        SpecPayload payload => Encoding.UTF8.GetBytes(payload.Text),
        Unwritable unwritable => throw new SerializationException($"The spec refuses to serialize this payload: {unwritable.Why}"),
        _ => throw new ArgumentException($"{nameof(SpecSerializer)} cannot write {obj.GetType()}.", nameof(obj)),
    };

    public override string Manifest(object o) => o switch
    {
        SpecPayload => PayloadManifest,
        Unwritable unwritable => throw new SerializationException($"The spec refuses to serialize this payload: {unwritable.Why}"),
        _ => throw new ArgumentException($"{nameof(SpecSerializer)} cannot write {o.GetType()}.", nameof(o)),
    };

    public override object FromBinary(byte[] bytes, string manifest) => manifest switch
    {
        PayloadManifest => SpecPayload.Stored(Encoding.UTF8.GetString(bytes)),
        _ => throw new SerializationException($"{nameof(SpecSerializer)} does not know the manifest '{manifest}'."),
    };
}

using Akka.Actor;
using Akka.Util;

namespace SessionCluster.Cli.Tests.Allocation;

/// <summary>A shard region as the coordinator's strategy sees it: only its path (its node's address) matters.</summary>
internal sealed class FakeRegion(string hostPort) : IActorRef
{
    public Address Address { get; } = Address.Parse($"akka.tcp://sessioncluster@{hostPort}");

    public ActorPath Path => new RootActorPath(Address) / "system" / "sharding" / "session";

    public void Tell(object message, IActorRef sender) => throw new InvalidOperationException("The strategy never messages a region.");

    public bool Equals(IActorRef? other) => other is not null && Path.Equals(other.Path);

    public int CompareTo(IActorRef? other) => other is null ? 1 : Path.CompareTo(other.Path);

    public int CompareTo(object? obj) => CompareTo(obj as IActorRef);

    public ISurrogate ToSurrogate(ActorSystem system) => throw new InvalidOperationException("Not serialized in these tests.");

    public override bool Equals(object? obj) => obj is IActorRef other && Equals(other);

    public override int GetHashCode() => Path.GetHashCode();

    public override string ToString() => Address.ToString();
}

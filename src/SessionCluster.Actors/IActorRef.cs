namespace SessionCluster.Actors;

/// <summary>
/// An untyped handle to an actor: what death watch, supervision and dead letters need to name it.
/// Two refs are equal when they point at the same actor incarnation.
/// </summary>
public interface IActorRef : IEquatable<IActorRef>
{
    /// <summary>The actor's path, e.g. <c>sc://system/user/sessions/s-42</c>. Built on demand, not stored per actor.</summary>
    ActorPath Path { get; }
}

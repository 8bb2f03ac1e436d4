namespace SessionCluster.Actors;

/// <summary>The user guardian (<c>sc://system/user</c>): parent of all top-level actors, supervising them with
/// <see cref="ActorSystemOptions.GuardianStrategy"/>. It receives no messages of its own.</summary>
internal sealed class GuardianActor(SupervisorStrategy strategy) : Actor<object>
{
    protected internal override ValueTask ReceiveAsync(object message) => default;

    protected internal override SupervisorStrategy SupervisorStrategy => strategy;
}

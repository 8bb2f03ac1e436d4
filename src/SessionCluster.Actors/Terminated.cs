namespace SessionCluster.Actors;

/// <summary>Tells a watcher that <paramref name="Actor"/> has terminated. Delivered exactly once per watch.</summary>
public sealed record Terminated(IActorRef Actor);

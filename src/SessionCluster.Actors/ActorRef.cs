namespace SessionCluster.Actors;

/// <summary>
/// A typed handle through which messages of type <typeparamref name="TMessage"/> reach an actor.
/// Refs are cheap to pass around and safe to use from any thread.
/// </summary>
public abstract class ActorRef<TMessage> : IActorRef where TMessage : class
{
    /// <inheritdoc />
    public abstract ActorPath Path { get; }

    /// <summary>Enqueues <paramref name="message"/>. Never throws, never blocks; to a terminated actor or a full
    /// bounded mailbox the message becomes a dead letter.</summary>
    public abstract void Tell(TMessage message);

    /// <summary>Like <see cref="Tell"/>, but returns <c>false</c> when the message could not be enqueued
    /// (mailbox full or actor terminated); the message is then a dead letter.</summary>
    public abstract bool TryTell(TMessage message);

    /// <summary>Enqueues <paramref name="message"/>, waiting for room in a bounded mailbox (backpressure).
    /// Completes synchronously for unbounded mailboxes.</summary>
    public abstract ValueTask TellAsync(TMessage message, CancellationToken cancellationToken = default);

    /// <inheritdoc />
    public virtual bool Equals(IActorRef? other) => ReferenceEquals(this, other);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is IActorRef other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => base.GetHashCode();

    /// <inheritdoc />
    public override string ToString() => Path.ToString();
}

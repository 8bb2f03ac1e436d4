namespace SessionCluster.Actors;

/// <summary>The stash: messages put aside by the actor and later returned to the front of its mailbox.</summary>
internal abstract partial class ActorCell
{
    /// <summary>Context.Stash: keeps the message being handled for a later <see cref="UnstashAll"/>.</summary>
    public void Stash()
    {
        var message = _currentMessage ?? throw new InvalidOperationException("Stash can only be called while handling a message.");
        (Extras.Stash ??= []).Add(message);
    }

    /// <summary>Context.UnstashAll: the stashed messages go to the front of the mailbox, in stash order.</summary>
    public void UnstashAll()
    {
        if (_extras?.Stash is not { Count: > 0 } stash) return;
        var extras = _extras;
        var front = new Queue<object>(stash.Count + (extras.Front?.Count ?? 0));
        foreach (var message in stash) front.Enqueue(message);
        if (extras.Front is { } previous)
            while (previous.Count > 0) front.Enqueue(previous.Dequeue());
        extras.Front = front;
        stash.Clear();
    }
}

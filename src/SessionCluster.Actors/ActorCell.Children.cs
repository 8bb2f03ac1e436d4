namespace SessionCluster.Actors;

/// <summary>Creating, listing and forgetting children.</summary>
internal abstract partial class ActorCell
{
    /// <summary>Creates and launches a child. May run on any thread for the guardian, on the parent's turn otherwise.</summary>
    public ActorCell<TChild> SpawnChild<TChild>(Func<Actor<TChild>> factory, string? name, MailboxOptions? mailbox) where TChild : class
    {
        ArgumentNullException.ThrowIfNull(factory);
        if (name is not null) ValidateName(name);
        var registry = ChildrenRegistryOrCreate();
        var child = new ActorCell<TChild>(System, this, name, factory, mailbox);
        registry.Add(child, this);
        child.Launch();
        return child;
    }

    private ChildrenRegistry ChildrenRegistryOrCreate()
    {
        var extras = Extras;
        var registry = Volatile.Read(ref extras.Children);
        if (registry is not null) return registry;
        var created = new ChildrenRegistry();
        registry = Interlocked.CompareExchange(ref extras.Children, created, null) ?? created;
        if (_state is CellState.Terminating or CellState.Stopping or CellState.Terminated) registry.Close();
        return registry;
    }

    private static void ValidateName(string name)
    {
        if (name.Length == 0) throw new InvalidActorNameException("An actor name must not be empty.");
        if (name[0] == '$') throw new InvalidActorNameException($"Actor name '{name}' is reserved: names starting with '$' are generated.");
        foreach (char c in name)
        {
            if (c == '/' || char.IsWhiteSpace(c) || char.IsControl(c))
                throw new InvalidActorNameException($"Actor name '{name}' contains '{c}', which a path cannot hold.");
        }
    }

    public void RemoveChild(ActorCell child) => _extras?.Children?.Remove(child);

    public List<ActorCell> ChildrenSnapshot() => _extras?.Children?.Snapshot() ?? [];
}

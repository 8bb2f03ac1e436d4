namespace SessionCluster.Actors;

/// <summary>
/// A parent's live children: an intrusive doubly linked list through the cells (no per-child allocation, so a guardian
/// with 100,000 children costs nothing extra per child) plus a name index for the explicitly named ones.
/// Generated names start with <c>$</c>, which user names may not, so they can never collide and are not indexed.
/// A child stays registered until it has terminated, so its name is reserved until then.
/// </summary>
internal sealed class ChildrenRegistry
{
    private ActorCell? _first;
    private Dictionary<string, ActorCell>? _byName;
    private int _count;
    private bool _closed;

    public int Count
    {
        get { lock (this) return _count; }
    }

    /// <summary>Adds a child; throws if its name is taken or the parent is stopping.</summary>
    public void Add(ActorCell child, ActorCell parent)
    {
        lock (this)
        {
            if (_closed)
                throw new InvalidOperationException($"Cannot create child '{child.Name}': {parent.Path} is stopping.");
            if (child.ExplicitName is { } name)
            {
                _byName ??= new Dictionary<string, ActorCell>(StringComparer.Ordinal);
                if (!_byName.TryAdd(name, child))
                    throw new InvalidActorNameException($"Actor name '{name}' is already used by a live child of {parent.Path}.");
            }
            child.NextSibling = _first;
            if (_first is not null) _first.PreviousSibling = child;
            _first = child;
            _count++;
        }
    }

    /// <summary>Removes a terminated child, freeing its name.</summary>
    public void Remove(ActorCell child)
    {
        lock (this)
        {
            if (child.ExplicitName is { } name && _byName is not null && _byName.TryGetValue(name, out var registered)
                && ReferenceEquals(registered, child))
                _byName.Remove(name);
            if (child.PreviousSibling is { } previous) previous.NextSibling = child.NextSibling;
            else if (ReferenceEquals(_first, child)) _first = child.NextSibling;
            else return; // not registered (already removed)
            if (child.NextSibling is { } next) next.PreviousSibling = child.PreviousSibling;
            child.PreviousSibling = child.NextSibling = null;
            _count--;
        }
    }

    /// <summary>No more children may be added (the parent is stopping).</summary>
    public void Close()
    {
        lock (this) _closed = true;
    }

    public List<ActorCell> Snapshot()
    {
        lock (this)
        {
            var list = new List<ActorCell>(_count);
            for (var cell = _first; cell is not null; cell = cell.NextSibling) list.Add(cell);
            return list;
        }
    }
}

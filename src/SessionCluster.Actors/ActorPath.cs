using System.Text;

namespace SessionCluster.Actors;

/// <summary>
/// The location of an actor in its system's tree: a parent path plus a name. The root path is the system's
/// address (<c>sc://name</c>); <see cref="ToString"/> renders the whole path, e.g. <c>sc://system/user/sessions/s-42</c>.
/// Paths are value objects: two paths with the same elements are equal.
/// </summary>
public sealed record ActorPath(ActorPath? Parent, string Name)
{
    /// <summary>The root path of a system named <paramref name="systemName"/>.</summary>
    public static ActorPath Root(string systemName) => new(null, systemName);

    /// <summary>A child path under this one.</summary>
    public ActorPath Child(string name) => new(this, name);

    /// <inheritdoc />
    public override string ToString()
    {
        if (Parent is null) return "sc://" + Name;
        var builder = new StringBuilder(64);
        Append(builder, this);
        return builder.ToString();
    }

    private static void Append(StringBuilder builder, ActorPath path)
    {
        if (path.Parent is null)
        {
            builder.Append("sc://").Append(path.Name);
            return;
        }
        Append(builder, path.Parent);
        builder.Append('/').Append(path.Name);
    }
}

namespace SessionCluster.Sessions;

/// <summary>
/// A session's id: the shard region's entity id and the tail of its persistence id (<c>session-{id}</c>). 1 to 64
/// characters from <c>[A-Za-z0-9._-]</c>, so it is safe in a persistence id, an actor name and a URL path.
/// </summary>
public sealed record SessionId
{
    public const int MaxLength = 64;

    public SessionId(string value)
    {
        if (!IsValid(value))
        {
            throw new ArgumentException($"A session id is 1 to {MaxLength} characters from [A-Za-z0-9._-].", nameof(value));
        }

        Value = value;
    }

    public string Value { get; }

    /// <summary>The SessionActor's persistence id.</summary>
    public string PersistenceId => $"session-{Value}";

    public static bool IsValid(string? value) =>
        !string.IsNullOrEmpty(value) && value.Length <= MaxLength && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    public override string ToString() => Value;
}

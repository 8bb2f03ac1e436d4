namespace SessionCluster.Protocol.Binary;

/// <summary>One attribute of a <see cref="Node"/>. On the wire both key and value are strings.</summary>
/// <param name="Key">Attribute name.</param>
/// <param name="Value">Attribute value; JIDs, numbers and booleans are all carried as their string forms.</param>
public readonly record struct NodeAttribute(string Key, string Value)
{
    /// <summary>Lets callers write attributes as tuples: <c>new Node("iq", [("id", "1"), ("type", "get")])</c>.</summary>
    public static implicit operator NodeAttribute((string Key, string Value) pair) => new(pair.Key, pair.Value);
}

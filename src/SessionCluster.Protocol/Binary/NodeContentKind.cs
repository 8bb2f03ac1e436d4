namespace SessionCluster.Protocol.Binary;

/// <summary>What a <see cref="Node"/> carries after its attributes.</summary>
public enum NodeContentKind
{
    /// <summary>No content at all (an odd list size on the wire).</summary>
    None,

    /// <summary>A string written with the string rules (token, packed, JID or raw).</summary>
    Text,

    /// <summary>Raw bytes (BINARY_8/20/32 in content position).</summary>
    Bytes,

    /// <summary>A list of child nodes; an empty list is distinct from <see cref="None"/> on the wire.</summary>
    Children,
}

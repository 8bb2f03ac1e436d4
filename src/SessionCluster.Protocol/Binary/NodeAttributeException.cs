namespace SessionCluster.Protocol.Binary;

/// <summary>
/// A node lacks an attribute or child that the caller required, or an attribute does not parse as the
/// requested type. Names the node and the attribute so the stanza handler's log says what was wrong
/// without echoing the value (which may be a phone number).
/// </summary>
public sealed class NodeAttributeException : Exception
{
    public NodeAttributeException(string nodeTag, string attributeName, string message, Exception? inner = null)
        : base(message, inner)
    {
        NodeTag = nodeTag;
        AttributeName = attributeName;
    }

    /// <summary>Tag of the node that was being read.</summary>
    public string NodeTag { get; }

    /// <summary>The attribute that was missing or malformed, or the tag of the missing child.</summary>
    public string AttributeName { get; }
}

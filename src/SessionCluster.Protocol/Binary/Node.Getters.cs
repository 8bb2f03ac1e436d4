using System.Globalization;

namespace SessionCluster.Protocol.Binary;

// Typed access to attributes and children. Every failure is a NodeAttributeException naming the node and the
// attribute (or child), never the value: values are often phone numbers.
public sealed partial class Node
{
    /// <summary>The attribute's value.</summary>
    /// <exception cref="NodeAttributeException">The attribute is missing.</exception>
    public string GetString(string key) => GetOptionalString(key) ?? throw Missing(key);

    /// <summary>The attribute's value, or null when it is absent.</summary>
    public string? GetOptionalString(string key)
    {
        foreach (var attribute in _attributes)
        {
            if (string.Equals(attribute.Key, key, StringComparison.Ordinal))
            {
                return attribute.Value;
            }
        }

        return null;
    }

    /// <summary>The attribute parsed with <see cref="Jid.Parse(string)"/>.</summary>
    /// <exception cref="NodeAttributeException">The attribute is missing or not a JID.</exception>
    public Jid GetJid(string key) => GetOptionalJid(key) ?? throw Missing(key);

    /// <summary>The attribute parsed as a JID, or null when it is absent.</summary>
    /// <exception cref="NodeAttributeException">The attribute is present but not a JID.</exception>
    public Jid? GetOptionalJid(string key)
    {
        var value = GetOptionalString(key);
        if (value is null)
        {
            return null;
        }

        return Jid.TryParse(value, out var jid) ? jid : throw Malformed(key, "a JID");
    }

    /// <summary>The attribute as a decimal <see cref="int"/>.</summary>
    /// <exception cref="NodeAttributeException">The attribute is missing or not an int.</exception>
    public int GetInt(string key) => GetOptionalInt(key) ?? throw Missing(key);

    /// <summary>The attribute as a decimal <see cref="int"/>, or null when it is absent.</summary>
    /// <exception cref="NodeAttributeException">The attribute is present but not an int.</exception>
    public int? GetOptionalInt(string key)
    {
        var value = GetOptionalString(key);
        if (value is null)
        {
            return null;
        }

        return int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var result)
            ? result
            : throw Malformed(key, "a 32-bit integer");
    }

    /// <summary>The attribute as a decimal <see cref="long"/>.</summary>
    /// <exception cref="NodeAttributeException">The attribute is missing or not a long.</exception>
    public long GetLong(string key) => GetOptionalLong(key) ?? throw Missing(key);

    /// <summary>The attribute as a decimal <see cref="long"/>, or null when it is absent.</summary>
    /// <exception cref="NodeAttributeException">The attribute is present but not a long.</exception>
    public long? GetOptionalLong(string key)
    {
        var value = GetOptionalString(key);
        if (value is null)
        {
            return null;
        }

        return long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var result)
            ? result
            : throw Malformed(key, "a 64-bit integer");
    }

    /// <summary>The attribute as a boolean spelled exactly "true" or "false".</summary>
    /// <exception cref="NodeAttributeException">The attribute is missing or another string.</exception>
    public bool GetBool(string key) => GetString(key) switch
    {
        "true" => true,
        "false" => false,
        _ => throw Malformed(key, "\"true\" or \"false\""),
    };

    /// <summary>The first child with the given tag.</summary>
    /// <exception cref="NodeAttributeException">There is no such child.</exception>
    public Node GetChild(string tag) =>
        GetOptionalChild(tag) ?? throw new NodeAttributeException(Tag, tag, $"<{Tag}> has no child <{tag}>.");

    /// <summary>The first child with the given tag, or null.</summary>
    public Node? GetOptionalChild(string tag)
    {
        foreach (var child in _children)
        {
            if (string.Equals(child.Tag, tag, StringComparison.Ordinal))
            {
                return child;
            }
        }

        return null;
    }

    /// <summary>All children with the given tag, in order.</summary>
    public IEnumerable<Node> GetChildren(string tag)
    {
        foreach (var child in _children)
        {
            if (string.Equals(child.Tag, tag, StringComparison.Ordinal))
            {
                yield return child;
            }
        }
    }

    private NodeAttributeException Missing(string key) =>
        new(Tag, key, $"<{Tag}> has no attribute '{key}'.");

    private NodeAttributeException Malformed(string key, string expected) =>
        new(Tag, key, $"Attribute '{key}' of <{Tag}> is not {expected}.");
}

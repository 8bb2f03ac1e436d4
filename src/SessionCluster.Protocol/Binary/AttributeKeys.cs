namespace SessionCluster.Protocol.Binary;

/// <summary>Duplicate-key detection shared by <see cref="Node"/>'s constructors and the decoder.</summary>
internal static class AttributeKeys
{
    // Real stanzas carry a handful of attributes; a pairwise scan beats hashing there.
    private const int PairwiseLimit = 16;

    /// <summary>Returns a key that occurs twice, or null when all keys are distinct.</summary>
    public static string? FindDuplicate(ReadOnlySpan<NodeAttribute> attributes)
    {
        if (attributes.Length <= PairwiseLimit)
        {
            for (var i = 1; i < attributes.Length; i++)
            {
                var key = attributes[i].Key;
                for (var j = 0; j < i; j++)
                {
                    if (string.Equals(attributes[j].Key, key, StringComparison.Ordinal))
                    {
                        return key;
                    }
                }
            }

            return null;
        }

        var seen = new HashSet<string>(attributes.Length, StringComparer.Ordinal);
        foreach (var attribute in attributes)
        {
            if (!seen.Add(attribute.Key))
            {
                return attribute.Key;
            }
        }

        return null;
    }
}

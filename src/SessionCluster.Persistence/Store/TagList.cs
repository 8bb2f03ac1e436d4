namespace SessionCluster.Persistence.Store;

/// <summary>Tags as one text column: joined by a separator that a tag may not contain.</summary>
internal static class TagList
{
    public const char Separator = ';';

    /// <summary>The tags joined; throws <see cref="ArgumentException"/> for an empty tag or one holding the separator.</summary>
    public static string Join(IEnumerable<string> tags)
    {
        var list = tags as IReadOnlyCollection<string> ?? tags.ToList();
        foreach (var tag in list)
        {
            if (string.IsNullOrEmpty(tag) || tag.Contains(Separator, StringComparison.Ordinal))
            {
                throw new ArgumentException($"A tag must be non-empty and must not contain '{Separator}' (got '{tag}').", nameof(tags));
            }
        }

        return string.Join(Separator, list);
    }

    public static IReadOnlyList<string> Split(string joined) =>
        joined.Length == 0 ? [] : joined.Split(Separator);
}

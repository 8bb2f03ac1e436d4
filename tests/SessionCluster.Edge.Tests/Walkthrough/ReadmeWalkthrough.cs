namespace SessionCluster.Edge.Tests.Walkthrough;

/// <summary>The README's walkthrough block: the bash between <c>&lt;!-- walkthrough:begin --&gt;</c> and <c>&lt;!-- walkthrough:end --&gt;</c>, fences removed.</summary>
internal static class ReadmeWalkthrough
{
    public const string Begin = "<!-- walkthrough:begin -->";
    public const string End = "<!-- walkthrough:end -->";

    public static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "README.md")) && File.Exists(Path.Combine(folder.FullName, "SessionCluster.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No repository root (README.md beside SessionCluster.sln) above {AppContext.BaseDirectory}.");
    }

    public static string Script()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        var begin = readme.IndexOf(Begin, StringComparison.Ordinal);
        var end = readme.IndexOf(End, StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, $"README.md has no {Begin} … {End} block");
        var block = readme[(begin + Begin.Length)..end].Trim();
        Assert.StartsWith("```bash\n", block, StringComparison.Ordinal);
        Assert.EndsWith("\n```", block, StringComparison.Ordinal);
        return block["```bash\n".Length..^"\n```".Length] + "\n";
    }
}

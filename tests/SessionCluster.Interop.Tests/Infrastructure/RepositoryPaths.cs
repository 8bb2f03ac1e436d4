namespace SessionCluster.Interop.Tests.Infrastructure;

/// <summary>
/// Locates the repository from wherever the test assembly runs (bin/…/net10.0), so peers and
/// fixtures are found the same way under `dotnet test`, an IDE runner, or CI.
/// </summary>
public static class RepositoryPaths
{
    /// <summary>The file that marks the repository root.</summary>
    public const string SolutionFileName = "SessionCluster.sln";

    private static readonly Lazy<string> RootFolder = new(FindRoot);

    /// <summary>The folder holding <see cref="SolutionFileName"/>.</summary>
    public static string Root => RootFolder.Value;

    /// <summary>tests/Interop: the npm project and the peer scripts (*.mjs).</summary>
    public static string InteropFolder => Path.Combine(Root, "tests", "Interop");

    /// <summary>A path relative to the repository root, with '/' or the platform separator.</summary>
    public static string Combine(params string[] relativeParts) => Path.Combine([Root, .. relativeParts]);

    private static string FindRoot()
    {
        var start = AppContext.BaseDirectory;
        for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, SolutionFileName)))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException(
            $"No folder containing {SolutionFileName} was found above the test assembly folder '{start}'. " +
            "The interop tests must run from a build inside the repository (dotnet test from the checkout).");
    }
}

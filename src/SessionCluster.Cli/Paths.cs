namespace SessionCluster.Cli;

/// <summary>The routes scctl calls, each argument escaped into its path segment.</summary>
internal static class Paths
{
    public static string Segment(string value) => Uri.EscapeDataString(value);
}

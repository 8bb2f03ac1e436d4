using System.Text.Json;

namespace SessionCluster.Benchmarks;

/// <summary>The few command-line options of the custom measurement modes.</summary>
internal static class BenchArgs
{
    public static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static string? String(string[] args, string name, string? fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    public static int Int(string[] args, string name, int fallback) =>
        String(args, name, null) is { } text ? int.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : fallback;

    public static double Double(string[] args, string name, double fallback) =>
        String(args, name, null) is { } text ? double.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : fallback;
}

using System.Collections.Frozen;
using System.Reflection;

namespace SessionCluster.Edge.Dashboard;

/// <summary>
/// The dashboard's files (<c>Dashboard/wwwroot</c>), embedded in this assembly so the node serves them with no folder
/// to deploy; read once, they are a few tens of kilobytes. Only these names are served, each with its media type.
/// </summary>
internal sealed class DashboardFiles
{
    private const string Prefix = "dashboard/";

    private static readonly FrozenDictionary<string, string> MediaTypes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".svg"] = "image/svg+xml",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private readonly FrozenDictionary<string, DashboardFile> _files;

    private DashboardFiles(FrozenDictionary<string, DashboardFile> files) => _files = files;

    public static DashboardFiles Load()
    {
        var assembly = typeof(DashboardFiles).Assembly;
        var files = new Dictionary<string, DashboardFile>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            var fileName = name[Prefix.Length..];
            if (!MediaTypes.TryGetValue(Path.GetExtension(fileName), out var mediaType))
            {
                throw new InvalidOperationException($"The dashboard file '{fileName}' has no media type; add its extension to DashboardFiles.MediaTypes.");
            }

            files[fileName] = new DashboardFile(Read(assembly, name), mediaType);
        }

        return new DashboardFiles(files.ToFrozenDictionary(StringComparer.Ordinal));
    }

    public DashboardFile? Find(string fileName) => _files.GetValueOrDefault(fileName);

    private static byte[] Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}

internal sealed record DashboardFile(byte[] Content, string MediaType);

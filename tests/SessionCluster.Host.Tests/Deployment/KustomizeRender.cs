using System.ComponentModel;
using System.Diagnostics;
using SessionCluster.Interop.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace SessionCluster.Host.Tests.Deployment;

/// <summary>
/// One kustomization of k8s/ rendered by <c>kubectl kustomize</c> (test.sh installs kubectl when it is missing) and
/// parsed into its objects. Rendered once per folder for the whole test run: kubectl takes a fraction of a second.
/// </summary>
internal sealed class KustomizeRender
{
    private static readonly Dictionary<string, KustomizeRender> Rendered = new(StringComparer.Ordinal);

    private KustomizeRender(IReadOnlyList<YamlMappingNode> objects) => Objects = objects;

    public IReadOnlyList<YamlMappingNode> Objects { get; }

    /// <summary>The repository's root: the folder above the tests that holds k8s/ and hocon/.</summary>
    public static string RepositoryRoot => RepositoryPaths.Root;

    public static KustomizeRender Of(string folder)
    {
        lock (Rendered)
        {
            if (!Rendered.TryGetValue(folder, out var render))
            {
                render = new KustomizeRender(Parse(Run(Path.Combine(RepositoryRoot, "k8s", folder))));
                Rendered[folder] = render;
            }

            return render;
        }
    }

    public IEnumerable<YamlMappingNode> OfKind(string kind) => Objects.Where(o => o.Str("kind") == kind);

    public YamlMappingNode? Named(string kind, string name) => OfKind(kind).FirstOrDefault(o => o.Str("metadata", "name") == name);

    private static string Run(string folder)
    {
        var start = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("kustomize");
        start.ArgumentList.Add(folder);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("kubectl did not start");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException("kubectl is missing: the k8s/ manifests are rendered with `kubectl kustomize` (test.sh installs Debian's kubernetes-client when kubectl is missing).", e);
        }

        using (process)
        {
            var error = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"kubectl kustomize {folder} failed ({process.ExitCode}): {error.Result}");
            }

            return output;
        }
    }

    private static List<YamlMappingNode> Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>().ToList();
    }
}

/// <summary>Reading a parsed manifest by path: <c>deployment.Str("spec", "template", "metadata", "name")</c>.</summary>
internal static class YamlPath
{
    public static YamlNode? At(this YamlNode? node, params string[] path)
    {
        foreach (var step in path)
        {
            if (node is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(step), out node))
            {
                return null;
            }
        }

        return node;
    }

    public static string? Str(this YamlNode? node, params string[] path) => (node.At(path) as YamlScalarNode)?.Value;

    public static int? Int(this YamlNode? node, params string[] path) => int.TryParse(node.Str(path), out var value) ? value : null;

    public static IReadOnlyList<YamlNode> Seq(this YamlNode? node, params string[] path) =>
        node.At(path) is YamlSequenceNode sequence ? sequence.Children.ToList() : [];

    public static IReadOnlyDictionary<string, string> Labels(this YamlNode? node, params string[] path) =>
        node.At(path) is YamlMappingNode map
            ? map.Children.ToDictionary(c => ((YamlScalarNode)c.Key).Value!, c => (c.Value as YamlScalarNode)?.Value ?? "", StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>True when every label of <paramref name="selector"/> is on <paramref name="labels"/> (equality-based, as matchLabels).</summary>
    public static bool Selects(this IReadOnlyDictionary<string, string> selector, IReadOnlyDictionary<string, string> labels) =>
        selector.Count > 0 && selector.All(s => labels.TryGetValue(s.Key, out var value) && value == s.Value);
}

using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Akka.Configuration.Hocon;
using SessionCluster.Edge;
using SessionCluster.Host.Composition;
using SessionCluster.Host.Options;
using SessionCluster.Interop.Tests.Infrastructure;

namespace SessionCluster.Host.Tests;

/// <summary>
/// docs/CONFIGURATION.md documents every setting once: each options property the host and the edge bind (under its
/// section) and each key of hocon/sessioncluster.conf has a row there, and a row's default is the code's. A setting
/// added without its row fails here, not in an operator's hands.
/// </summary>
public sealed partial class ConfigurationDocsTests
{
    private static readonly Lazy<string[]> Doc = new(() => File.ReadAllLines(RepositoryPaths.Combine("docs", "CONFIGURATION.md")));

    [Fact]
    public void Every_option_the_node_binds_has_a_row_naming_its_key()
    {
        var undocumented = BoundOptions()
            .Where(option => !Rows().ContainsKey(option.Key))
            .Select(option => option.Key)
            .ToList();

        Assert.True(undocumented.Count == 0, $"not in docs/CONFIGURATION.md: {string.Join(", ", undocumented)}");
    }

    [Fact]
    public void A_rows_default_written_as_a_value_is_the_options_default()
    {
        var rows = Rows();
        var wrong = new List<string>();
        foreach (var option in BoundOptions())
        {
            if (!rows.TryGetValue(option.Key, out var row) || FirstCodeSpan(row.DefaultCell) is not { } written)
            {
                continue;
            }

            if (Written(option.Default) is { } actual && actual != written)
            {
                wrong.Add($"{option.Key}: the row says {written}, the code {actual}");
            }
        }

        Assert.True(wrong.Count == 0, string.Join("; ", wrong));
    }

    [Fact]
    public void Every_key_of_the_hocon_defaults_file_has_a_row()
    {
        var documented = HoconRowKeys();
        var fileKeys = new List<string>();
        Leaves(NodeHocon.LoadDefaults().Root, prefix: "", fileKeys);

        var undocumented = fileKeys.Where(key => !documented.Contains(key)).ToList();

        Assert.NotEmpty(fileKeys);
        Assert.True(undocumented.Count == 0, $"not in docs/CONFIGURATION.md's HOCON table: {string.Join(", ", undocumented)}");
    }

    [Fact]
    public void The_hocon_tables_brace_and_relative_keys_expand_to_full_paths()
    {
        var keys = ExpandKeyCell("`akka.cluster.sharding.rebalance-interval`, `least-shard.rebalance-{absolute,relative}-limit`");

        Assert.Equal(
            ["akka.cluster.sharding.rebalance-interval", "akka.cluster.sharding.least-shard.rebalance-absolute-limit", "akka.cluster.sharding.least-shard.rebalance-relative-limit"],
            keys);
    }

    /// <summary>Every settable property of every options class with a <c>Section</c> in the host's and the edge's assemblies.</summary>
    private static IEnumerable<(string Key, object? Default)> BoundOptions()
    {
        var optionTypes = new[] { typeof(NodeOptions).Assembly, typeof(EdgeOptions).Assembly }
            .SelectMany(assembly => assembly.GetTypes())
            .Select(type => (Type: type, Section: type.GetField("Section", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string))
            .Where(entry => entry.Section is not null && entry.Type.GetConstructor(Type.EmptyTypes) is not null)
            .ToList();
        Assert.Contains(optionTypes, entry => entry.Type == typeof(NodeOptions));

        var nestedOptionTypes = optionTypes.Select(entry => entry.Type).ToHashSet();
        foreach (var (type, section) in optionTypes)
        {
            var instance = Activator.CreateInstance(type);
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (property.SetMethod is null || nestedOptionTypes.Contains(property.PropertyType))
                {
                    continue;
                }

                yield return ($"{section}:{property.Name}", property.GetValue(instance));
            }
        }
    }

    /// <summary>The value as the docs write a default: <c>00:00:10</c>, <c>true</c>, <c>3</c>; null for what has no one written form.</summary>
    private static string? Written(object? value) => value switch
    {
        null or Array => null,
        bool flag => flag ? "true" : "false",
        TimeSpan span => span.ToString("c", CultureInfo.InvariantCulture),
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        string text => text,
        _ => null,
    };

    /// <summary>Option rows: <c>| `SC:Section:Key` ... | default | meaning |</c>, keyed by the first code span.</summary>
    private static Dictionary<string, (string DefaultCell, string Meaning)> Rows()
    {
        var rows = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        foreach (var cells in TableRows())
        {
            if (cells.Length >= 3 && FirstCodeSpan(cells[0]) is { } key && key.StartsWith("SC:", StringComparison.Ordinal))
            {
                rows[key] = (cells[1], cells[2]);
            }
        }

        return rows;
    }

    private static HashSet<string> HoconRowKeys()
    {
        var start = Array.FindIndex(Doc.Value, line => line.StartsWith("## HOCON keys", StringComparison.Ordinal));
        Assert.True(start >= 0, "docs/CONFIGURATION.md has no '## HOCON keys' section");
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in Doc.Value.Skip(start + 1).TakeWhile(line => !line.StartsWith("## ", StringComparison.Ordinal)))
        {
            if (SplitRow(line) is { Length: >= 2 } cells)
            {
                keys.UnionWith(ExpandKeyCell(cells[0]));
            }
        }

        return keys;
    }

    /// <summary>
    /// A key cell's code spans as full paths: <c>a.{b, c}</c> is <c>a.b</c> and <c>a.c</c>; a span not starting at a root
    /// (<c>akka.</c>, <c>sessioncluster.</c>) continues the previous span's parent path.
    /// </summary>
    private static List<string> ExpandKeyCell(string cell)
    {
        var keys = new List<string>();
        var parent = "";
        foreach (Match span in CodeSpan().Matches(cell))
        {
            var text = span.Groups[1].Value.Trim('"');
            var rooted = text.StartsWith("akka.", StringComparison.Ordinal) || text.StartsWith("sessioncluster.", StringComparison.Ordinal);
            var path = rooted ? text : parent + text;
            foreach (var key in ExpandBraces(path))
            {
                keys.Add(key);
                parent = key[..(key.LastIndexOf('.') + 1)];
            }
        }

        return keys;
    }

    private static IEnumerable<string> ExpandBraces(string path)
    {
        var open = path.IndexOf('{', StringComparison.Ordinal);
        if (open < 0)
        {
            return [path];
        }

        var close = path.IndexOf('}', open);
        var head = path[..open];
        var tail = path[(close + 1)..];
        return path[(open + 1)..close].Split(',', StringSplitOptions.TrimEntries).SelectMany(choice => ExpandBraces(head + choice + tail));
    }

    private static void Leaves(HoconValue value, string prefix, List<string> keys)
    {
        if (!value.IsObject())
        {
            keys.Add(prefix);
            return;
        }

        foreach (var (name, child) in value.GetObject().Items)
        {
            Leaves(child, prefix.Length == 0 ? name : $"{prefix}.{name}", keys);
        }
    }

    private static IEnumerable<string[]> TableRows() => Doc.Value.Select(SplitRow).OfType<string[]>();

    private static string[]? SplitRow(string line) =>
        line.StartsWith('|') && !line.StartsWith("|---", StringComparison.Ordinal)
            ? line.Trim().Trim('|').Split('|', StringSplitOptions.TrimEntries)
            : null;

    private static string? FirstCodeSpan(string cell) => CodeSpan().Match(cell) is { Success: true } match ? match.Groups[1].Value : null;

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex CodeSpan();
}

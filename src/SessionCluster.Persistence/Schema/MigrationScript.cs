using System.Globalization;
using System.Reflection;

namespace SessionCluster.Persistence.Schema;

/// <summary>
/// One numbered, forward-only migration: <c>NNNN-description.sql</c> embedded from an engine's
/// <c>Migrations/</c> folder. A migration, once released, is never edited; a change is a new number.
/// </summary>
internal sealed record MigrationScript(int Version, string Name, string Sql)
{
    /// <summary>
    /// The scripts embedded under <c>SessionCluster.Persistence.&lt;engine&gt;.Migrations</c>, in version order.
    /// Throws when two share a number or a name does not start with one, so a bad file fails every start-up.
    /// </summary>
    public static IReadOnlyList<MigrationScript> Load(string engine)
    {
        var assembly = typeof(MigrationScript).Assembly;
        var prefix = $"SessionCluster.Persistence.{engine}.Migrations.";
        var scripts = new List<MigrationScript>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(prefix, StringComparison.Ordinal) || !resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            var file = resource[prefix.Length..^".sql".Length];
            var dash = file.IndexOf('-', StringComparison.Ordinal);
            if (dash <= 0 || !int.TryParse(file.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                throw new InvalidOperationException($"Migration '{resource}' is not named NNNN-description.sql.");
            }

            scripts.Add(new MigrationScript(version, file[(dash + 1)..], Read(assembly, resource)));
        }

        scripts.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 0; i < scripts.Count; i++)
        {
            if (scripts[i].Version != i + 1)
            {
                throw new InvalidOperationException($"The {engine} migrations are not numbered 1, 2, 3, … without gaps or repeats (found {scripts[i].Version} at position {i + 1}).");
            }
        }

        return scripts;
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded migration '{resource}' cannot be opened.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

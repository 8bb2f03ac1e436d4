using System.Diagnostics;
using System.Text.Json;

namespace SessionCluster.Edge.Tests.Metrics;

/// <summary>
/// Parses Prometheus text with the official Python client's parser (Debian's <c>python3-prometheus-client</c>, which
/// test.sh installs), run by <c>/usr/bin/python3</c>: a real parser, not ours. Fails loudly when it is missing.
/// </summary>
internal static class PrometheusParser
{
    private const string Python = "/usr/bin/python3";

    private const string Script = """
        import sys, json
        from prometheus_client.parser import text_string_to_metric_families
        families = {}
        for f in text_string_to_metric_families(sys.stdin.read()):
            families[f.name] = {"type": f.type, "samples": [{"name": s.name, "labels": s.labels, "value": s.value} for s in f.samples]}
        print(json.dumps(families))
        """;

    public static async Task<IReadOnlyDictionary<string, Family>> ParseAsync(string text)
    {
        Assert.True(File.Exists(Python), $"{Python} is missing: test.sh installs python3-prometheus-client (apt-get install python3-prometheus-client)");
        var start = new ProcessStartInfo(Python, ["-c", Script])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var python = Process.Start(start)!;
        await python.StandardInput.WriteAsync(text);
        python.StandardInput.Close();
        var output = python.StandardOutput.ReadToEndAsync();
        var error = python.StandardError.ReadToEndAsync();
        await python.WaitForExitAsync();
        Assert.True(python.ExitCode == 0,
            $"the Prometheus parser refused the text (exit {python.ExitCode}; without the module, test.sh installs python3-prometheus-client): {await error}");
        using var json = JsonDocument.Parse(await output);
        return json.RootElement.EnumerateObject().ToDictionary(
            f => f.Name,
            f => new Family(f.Value.GetProperty("type").GetString()!, f.Value.GetProperty("samples").EnumerateArray().Select(s => new Sample(
                s.GetProperty("name").GetString()!,
                s.GetProperty("labels").EnumerateObject().ToDictionary(l => l.Name, l => l.Value.GetString()!),
                s.GetProperty("value").GetDouble())).ToList()));
    }

    internal sealed record Family(string Type, IReadOnlyList<Sample> Samples)
    {
        /// <summary>The value of the one sample whose labels include <paramref name="labels"/>.</summary>
        public double Value(params (string Key, string Value)[] labels) =>
            Assert.Single(Samples, s => labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value)).Value;
    }

    internal sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);
}

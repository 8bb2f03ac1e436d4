using System.Text.Json;
using SessionCluster.Cli;

namespace SessionCluster.Cli.Tests;

/// <summary>One scctl invocation in this process: its exit code, stdout and stderr.</summary>
public sealed record ScctlRun(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Runs scctl with <paramref name="args"/>; the environment is empty unless given (no SC_ADMIN_KEY leaks in from the machine).</summary>
    public static async Task<ScctlRun> RunAsync(string[] args, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await Scctl.RunAsync(args, stdout, stderr, environment: name => environment is not null && environment.TryGetValue(name, out var value) ? value : null);
        return new ScctlRun(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>stdout as the one JSON document <c>--json</c> promises.</summary>
    public JsonElement Json()
    {
        using var document = JsonDocument.Parse(Stdout);
        return document.RootElement.Clone();
    }

    /// <summary>stderr's <c>{"error":{…}}</c> document (with <c>--json</c>).</summary>
    public JsonElement Error()
    {
        using var document = JsonDocument.Parse(Stderr);
        return document.RootElement.GetProperty("error").Clone();
    }

    public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace SessionCluster.Edge.Tests.Walkthrough;

/// <summary>
/// The README's walkthrough, run literally: the node executable started with <c>--simulator</c> in a fresh folder (its
/// data in <c>./data</c> there, free ports), <c>SC</c>, <c>SIM</c> and <c>KEY</c> set as the README's export line sets
/// them, then the README's block run by bash as written. The session links, the friend's phone gets the text with the
/// id the send answered, and the events show it.
/// </summary>
public sealed partial class WalkthroughTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task The_readme_walkthrough_links_a_session_with_the_simulators_phone_and_sends_a_text_on_a_fresh_node()
    {
        var script = ReadmeWalkthrough.Script();
        var folder = Directory.CreateTempSubdirectory("sessioncluster-walkthrough-").FullName;
        var output = new ConcurrentQueue<string>();
        using var node = Start("dotnet", folder, output, [
            Path.Combine(AppContext.BaseDirectory, "SessionCluster.Host.dll"), "--simulator", "--simulator-url", "http://127.0.0.1:0",
            "--SC:Node:HttpUrl=http://127.0.0.1:0", "--SC:Node:RemotingPort=0"]);
        try
        {
            var nodeUrl = await WaitForLineAsync(output, Listening(), node);
            var simulatorAdmin = await WaitForLineAsync(output, SimulatorAdmin(), node);
            await WaitForReadyAsync(nodeUrl);
            var keyLine = Assert.Single(output, l => l.StartsWith("admin key written to ", StringComparison.Ordinal));
            var key = (await File.ReadAllTextAsync(Path.Combine(folder, "data", "admin.key"))).Trim();
            Assert.EndsWith(key, keyLine, StringComparison.Ordinal);

            var (exitCode, stdout, stderr) = await RunBashAsync(script, folder, new Dictionary<string, string> { ["SC"] = nodeUrl, ["SIM"] = simulatorAdmin, ["KEY"] = key });
            Assert.True(exitCode == 0, $"the walkthrough exited {exitCode}\nstdout:\n{stdout}\nstderr:\n{stderr}\nnode:\n{string.Join('\n', output)}");

            Assert.Contains("\"id\":\"demo\"", stdout, StringComparison.Ordinal);
            Assert.Contains("█", stdout, StringComparison.Ordinal); // the terminal QR
            var sent = SendAnswer().Match(stdout);
            Assert.True(sent.Success, $"no 202 answer with an id in:\n{stdout}");
            var messageId = sent.Groups["id"].Value;
            Assert.Matches($"\"id\":\"{messageId}\"[^}}]*\"text\":\"hello from SessionCluster\"", stdout);
            Assert.Contains("\"type\":\"message.status\"", stdout, StringComparison.Ordinal);
            Assert.Contains("{\"status\":\"connected\"}", stdout, StringComparison.Ordinal);
        }
        finally
        {
            node.Kill(entireProcessTree: true);
            await node.WaitForExitAsync();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static Process Start(string file, string folder, ConcurrentQueue<string> output, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Keep(output, e.Data);
        process.ErrorDataReceived += (_, e) => Keep(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static void Keep(ConcurrentQueue<string> output, string? line)
    {
        if (line is not null)
        {
            output.Enqueue(line);
        }
    }

    private static async Task<string> WaitForLineAsync(ConcurrentQueue<string> output, Regex pattern, Process node)
    {
        var until = DateTime.UtcNow + Deadline;
        while (true)
        {
            foreach (var line in output)
            {
                if (pattern.Match(line) is { Success: true } match)
                {
                    return match.Groups["url"].Value;
                }
            }

            if (node.HasExited)
            {
                Assert.Fail($"the node exited ({node.ExitCode}):\n{string.Join('\n', output)}");
            }

            Assert.True(DateTime.UtcNow < until, $"no line matching {pattern} in:\n{string.Join('\n', output)}");
            await Task.Delay(100);
        }
    }

    private static async Task WaitForReadyAsync(string nodeUrl)
    {
        using var http = new HttpClient();
        var until = DateTime.UtcNow + Deadline;
        while (true)
        {
            try
            {
                using var ready = await http.GetAsync($"{nodeUrl}/health/ready");
                if (ready.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < until)
            {
                // Not listening yet: asked again below until the deadline.
            }

            Assert.True(DateTime.UtcNow < until, "the node was not ready in time");
            await Task.Delay(200);
        }
    }

    /// <summary>Runs the script with bash <c>-eu</c> (a failing command or an unset variable stops it), killed after <see cref="Deadline"/>.</summary>
    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunBashAsync(string script, string folder, IReadOnlyDictionary<string, string> environment)
    {
        var file = Path.Combine(folder, "walkthrough.sh");
        await File.WriteAllTextAsync(file, script);
        var start = new ProcessStartInfo("bash") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-eu");
        start.ArgumentList.Add(file);
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var bash = Process.Start(start)!;
        var stdout = bash.StandardOutput.ReadToEndAsync();
        var stderr = bash.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(Deadline);
        try
        {
            await bash.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            bash.Kill(entireProcessTree: true);
            await bash.WaitForExitAsync();
            Assert.Fail($"the walkthrough ran over {Deadline}\nstdout:\n{await stdout}\nstderr:\n{await stderr}");
        }

        return (bash.ExitCode, await stdout, await stderr);
    }

    [GeneratedRegex(@"Node listening: HTTP \\?""?(?<url>https?://[^,\s""\\]+)")]
    private static partial Regex Listening();

    [GeneratedRegex(@"^simulator: its admin API is (?<url>http://\S+);")]
    private static partial Regex SimulatorAdmin();

    [GeneratedRegex(@"\{""id"":""(?<id>[0-9A-F]+)"",""status"":""accepted""")]
    private static partial Regex SendAnswer();
}

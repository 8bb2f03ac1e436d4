using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using SessionCluster.Interop.Tests.Infrastructure;

namespace SessionCluster.Host.Tests.Packaging;

/// <summary>
/// The Dockerfile at the repository root, checked without a Docker engine: its build stage's publish command is run as
/// written (to a temp folder instead of its -o folder), the output is started as its ENTRYPOINT says in the runtime
/// stage's WORKDIR with the runtime stage's ENV (a temp data folder and a free port in place of /data and 5080), and
/// its HEALTHCHECK command is run against it. What only an engine does (the base images, USER, VOLUME) is read, not run.
/// </summary>
public sealed class DockerfileTests
{
    /// <summary>How long the publish may take: a deadline, not a speed claim (an up-to-date build publishes in seconds).</summary>
    private static readonly TimeSpan PublishDeadline = TimeSpan.FromMinutes(5);

    private static string RepositoryRoot => RepositoryPaths.Root;

    [Fact]
    public void The_dockerfile_builds_in_the_dotnet_sdk_and_runs_in_the_aspnet_runtime_as_a_non_root_user_with_a_data_volume()
    {
        var dockerfile = Dockerfile.Parse(File.ReadAllText(Path.Combine(RepositoryRoot, "Dockerfile")));

        Assert.Equal(["mcr.microsoft.com/dotnet/sdk:10.0", "mcr.microsoft.com/dotnet/aspnet:10.0"], dockerfile.Stages.Select(stage => stage.Image));
        var runtime = dockerfile.Stages[^1];
        var user = runtime.Last("USER").Arguments;
        Assert.DoesNotContain(user.Split(':')[0], new[] { "", "root", "0" });
        Assert.Equal("/data", runtime.Last("VOLUME").Arguments);
        Assert.Equal("/data", runtime.Environment()["SC__Node__DataFolder"]);
        Assert.Equal(["5080", "5081", "8558"], Dockerfile.Words(runtime.Last("EXPOSE").Arguments));
        var (options, _) = runtime.Last("HEALTHCHECK").HealthCheck();
        Assert.True(options.ContainsKey("--interval") && options.ContainsKey("--timeout") && options.ContainsKey("--start-period"), string.Join(' ', options.Keys));
    }

    [Fact]
    public void The_dockerfile_reader_joins_continued_lines_sets_run_flags_apart_and_refuses_a_shell_form_entrypoint()
    {
        var dockerfile = Dockerfile.Parse("""
            # comment
            FROM base:1 AS build
            RUN --mount=type=cache,target=/x \
                dotnet publish src/App -o /app
            FROM runtime:1
            ENV A=1 \
                B=two
            ENTRYPOINT dotnet App.dll
            """);

        Assert.Equal(["build", null], dockerfile.Stages.Select(stage => stage.Name));
        var (flags, command) = dockerfile.Named("build").Last("RUN").RunCommand();
        Assert.Equal(["--mount=type=cache,target=/x"], flags);
        Assert.Equal(["dotnet", "publish", "src/App", "-o", "/app"], command);
        Assert.Equal(new Dictionary<string, string> { ["A"] = "1", ["B"] = "two" }, dockerfile.Stages[1].Environment());
        Assert.Throws<FormatException>(() => dockerfile.Stages[1].Last("ENTRYPOINT").ExecForm());
    }

    [Fact]
    public async Task The_dockerfiles_publish_output_started_as_its_entrypoint_with_its_environment_turns_ready_passes_its_healthcheck_and_exits_0_on_sigterm()
    {
        var dockerfile = Dockerfile.Parse(File.ReadAllText(Path.Combine(RepositoryRoot, "Dockerfile")));
        var build = dockerfile.Stages[0];
        var runtime = dockerfile.Stages[^1];

        // The runtime stage copies the build stage's publish folder into its WORKDIR: that is where the command runs.
        var copy = Dockerfile.Words(runtime.All("COPY").Single(c => c.Arguments.StartsWith("--from=", StringComparison.Ordinal)).Arguments);
        Assert.Equal($"--from={build.Name}", copy[0]);
        var publishFolder = copy[1];
        Assert.Equal(".", copy[2]);
        var publish = build.All("RUN").Select(run => run.RunCommand().Command).Single(command => command is ["dotnet", "publish", ..]);
        var outputAt = publish.ToList().IndexOf("-o");
        Assert.True(outputAt > 0 && publish[outputAt + 1] == publishFolder, $"the publish command writes to the folder the runtime stage copies ({publishFolder}): {string.Join(' ', publish)}");

        var output = Directory.CreateTempSubdirectory("sessioncluster-publish-").FullName;
        var data = Directory.CreateTempSubdirectory("sessioncluster-container-data-").FullName;
        try
        {
            var command = publish.Select((word, at) => at == outputAt + 1 ? output : word).ToList();
            var published = await RunAsync(command, RepositoryRoot, new Dictionary<string, string>
            {
                // Leave no MSBuild or compiler server behind in the test run (the image's build ends with its container).
                ["MSBUILDDISABLENODEREUSE"] = "1",
                ["UseSharedCompilation"] = "false",
                ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            }, PublishDeadline);
            Assert.True(published.ExitCode == 0, $"{string.Join(' ', command)} exited {published.ExitCode}:\n{published.Output}");

            var entrypoint = runtime.Last("ENTRYPOINT").ExecForm();
            Assert.Equal("dotnet", entrypoint[0]);
            Assert.True(File.Exists(Path.Combine(output, entrypoint[1])), $"the ENTRYPOINT's {entrypoint[1]} is in the published output");
            var libsodium = Path.Combine(output, "runtimes", "linux-x64", "native", "libsodium.so");
            Assert.True(File.Exists(libsodium), "libsodium's linux-x64 native asset is in the published output");

            var port = FreePort();
            var environment = new Dictionary<string, string>(runtime.Environment(), StringComparer.Ordinal);
            var listen = new Uri(environment["SC__Node__HttpUrl"]);
            environment["SC__Node__HttpUrl"] = new UriBuilder(listen) { Port = port }.Uri.ToString().TrimEnd('/');
            environment["SC__Node__DataFolder"] = data;
            environment["SC__Node__RemotingPort"] = "0";

            await using var node = NodeProcess.StartCommand(entrypoint, output, environment);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
            await RunningNode.WaitForAsync(http, "/health/ready", HttpStatusCode.OK);
            Assert.Contains($"Node listening: HTTP http://0.0.0.0:{port}", node.Output, StringComparison.Ordinal);

            var (_, healthCommand) = runtime.Last("HEALTHCHECK").HealthCheck();
            var health = await RunAsync(healthCommand, output, environment, TimeSpan.FromSeconds(30));
            Assert.True(health.ExitCode == 0, $"HEALTHCHECK {string.Join(' ', healthCommand)} exited {health.ExitCode}:\n{health.Output}");

            // A tenant's API key is hashed with libsodium: making one loads the published native library (which the
            // .NET host resolves from the deps.json for this machine), and the node then has it mapped.
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await File.ReadAllTextAsync(Path.Combine(data, "admin.key"))).Trim());
            using (var tenant = await http.PostAsJsonAsync("/v1/admin/tenants", new { id = "container" }))
            {
                Assert.Equal(HttpStatusCode.Created, tenant.StatusCode);
            }

            using (var key = await http.PostAsJsonAsync("/v1/admin/tenants/container/keys", new { name = "probe" }))
            {
                Assert.Equal(HttpStatusCode.Created, key.StatusCode);
            }

            var maps = await File.ReadAllTextAsync($"/proc/{node.Id}/maps");
            Assert.Contains(libsodium, maps, StringComparison.Ordinal);

            var exitCode = await node.TerminateAsync();
            Assert.True(exitCode == 0, $"exit code {exitCode}. Output:\n{node.Output}");
        }
        finally
        {
            Directory.Delete(output, recursive: true);
            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>Runs <paramref name="command"/> to its end; its exit code and its console output.</summary>
    private static async Task<(int ExitCode, string Output)> RunAsync(IReadOnlyList<string> command, string workingDirectory, IReadOnlyDictionary<string, string> environment, TimeSpan deadline)
    {
        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory };
        foreach (var argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(deadline);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{string.Join(' ', command)} did not finish within {deadline}:\n{output}");
        }

        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }

    /// <summary>A loopback port nothing listens on: bound, read, released.</summary>
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace SessionCluster.Interop.Tests.Infrastructure;

/// <summary>
/// Makes sure the npm peers (tests/Interop/package.json, pinned by its package-lock.json) are
/// installed, once per test run, before any peer starts. The check is cheap when node_modules is
/// current; otherwise it runs <c>npm ci</c>. Every failure is an <see cref="InteropSetupException"/>
/// that says what to install: interop tests fail, they never skip.
/// </summary>
public static class NpmPeers
{
    /// <summary>The oldest Node.js major version the peers are run with.</summary>
    public const int MinimumNodeMajorVersion = 20;

    private static readonly TimeSpan VersionProbeTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(15);

    // One installation per process; later callers await the same task (and see the same failure).
    private static readonly Lazy<Task<string>> Installation =
        new(() => Task.Run(InstallAsync), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// Completes when Node.js (>= <see cref="MinimumNodeMajorVersion"/>) and npm are present and
    /// node_modules matches package-lock.json. Returns Node's version, e.g. <c>v20.20.2</c>.
    /// </summary>
    public static Task<string> EnsureInstalledAsync(CancellationToken cancellationToken = default) =>
        Installation.Value.WaitAsync(cancellationToken);

    /// <summary>
    /// True when node_modules must be (re)installed: npm's own record of the installed tree,
    /// node_modules/.package-lock.json, is missing or older than package-lock.json.
    /// </summary>
    public static bool IsInstallNeeded(string interopFolder)
    {
        var lockFile = Path.Combine(interopFolder, "package-lock.json");
        var installedRecord = Path.Combine(interopFolder, "node_modules", ".package-lock.json");
        return !File.Exists(installedRecord)
            || File.GetLastWriteTimeUtc(installedRecord) < File.GetLastWriteTimeUtc(lockFile);
    }

    /// <summary>The major version in Node's <c>--version</c> output (<c>v20.20.2</c> → 20), or null.</summary>
    public static int? ParseNodeMajorVersion(string versionOutput)
    {
        var text = versionOutput.Trim().TrimStart('v', 'V');
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        var major = dot < 0 ? text : text[..dot];
        return int.TryParse(major, out var value) ? value : null;
    }

    private static async Task<string> InstallAsync()
    {
        var folder = RepositoryPaths.InteropFolder;
        if (!File.Exists(Path.Combine(folder, "package-lock.json")))
        {
            throw new InteropSetupException(
                $"{Path.Combine(folder, "package-lock.json")} is missing; the interop peers are pinned by that committed lockfile. Restore it from git.");
        }

        var nodeVersion = await ProbeNodeAsync(folder);
        await ProbeNpmAsync(folder);

        if (IsInstallNeeded(folder))
        {
            await RunNpmCiAsync(folder);
            if (IsInstallNeeded(folder))
            {
                throw new InteropSetupException(
                    $"`npm ci` in {folder} reported success but node_modules/.package-lock.json is still missing or older than package-lock.json. " +
                    "Delete tests/Interop/node_modules and run `npm ci --no-audit --no-fund` there by hand.");
            }
        }

        return nodeVersion;
    }

    private static async Task<string> ProbeNodeAsync(string folder)
    {
        var install =
            $"Install Node.js {MinimumNodeMajorVersion} or newer together with npm (Debian/Ubuntu: `apt-get install nodejs npm`; " +
            "or an LTS build from https://nodejs.org), make sure `node --version` works in the shell that runs " +
            "`dotnet test`, and run the tests again.";

        ProcessResult result;
        try
        {
            result = await RunAsync(NodeExecutable, ["--version"], folder, VersionProbeTimeout);
        }
        catch (Win32Exception e)
        {
            throw new InteropSetupException(
                "Node.js is not installed or not on PATH: `node` could not be started. The interop tests run the real " +
                "Baileys and libsignal code in Node peers and do not skip without it. " + install, e);
        }

        var major = result.ExitCode == 0 ? ParseNodeMajorVersion(result.Output) : null;
        if (major is null)
        {
            throw new InteropSetupException(
                $"`node --version` failed (exit code {result.ExitCode}, output: {result.Output.Trim()}). " + install);
        }

        if (major < MinimumNodeMajorVersion)
        {
            throw new InteropSetupException(
                $"Node.js {result.Output.Trim()} is too old: the interop peers need Node.js >= {MinimumNodeMajorVersion} " +
                "(Baileys is an ES module written for current Node). " + install);
        }

        return result.Output.Trim();
    }

    private static async Task ProbeNpmAsync(string folder)
    {
        const string install =
            "Install npm (Debian/Ubuntu: `apt-get install npm`; it ships with the https://nodejs.org builds), make sure " +
            "`npm --version` works in the shell that runs `dotnet test`, and run the tests again.";
        ProcessResult result;
        try
        {
            result = await RunAsync(NpmExecutable, NpmArguments("--version"), folder, VersionProbeTimeout);
        }
        catch (Win32Exception e)
        {
            throw new InteropSetupException("npm is not installed or not on PATH: `npm` could not be started. " + install, e);
        }

        if (result.ExitCode != 0)
        {
            throw new InteropSetupException(
                $"`npm --version` failed (exit code {result.ExitCode}, output: {Tail(result.Output, 20)}). " + install);
        }
    }

    private static async Task RunNpmCiAsync(string folder)
    {
        ProcessResult result;
        try
        {
            result = await RunAsync(NpmExecutable, NpmArguments("ci", "--no-audit", "--no-fund"), folder, InstallTimeout);
        }
        catch (TimeoutException e)
        {
            throw new InteropSetupException(
                $"`npm ci --no-audit --no-fund` in {folder} did not finish within {InstallTimeout.TotalMinutes} minutes. " +
                "Check access to the npm registry (or the configured mirror) and run it by hand.", e);
        }

        if (result.ExitCode != 0)
        {
            throw new InteropSetupException(
                $"`npm ci --no-audit --no-fund` failed in {folder} (exit code {result.ExitCode}). The interop peers " +
                "(baileys, libsignal, @signalapp/libsignal-client, exactly as pinned by tests/Interop/package-lock.json) " +
                "must be installable from the npm registry or its mirror: check network access and npm's configuration, " +
                "then run that command in tests/Interop by hand to see the whole log." +
                $"{Environment.NewLine}--- npm output (last lines) ---{Environment.NewLine}{Tail(result.Output, 40)}");
        }
    }

    private static string NodeExecutable => "node";

    // npm is a script (npm.cmd) on Windows and must go through the command interpreter there.
    private static string NpmExecutable => OperatingSystem.IsWindows() ? "cmd.exe" : "npm";

    private static string[] NpmArguments(params string[] arguments) =>
        OperatingSystem.IsWindows() ? ["/d", "/c", "npm", .. arguments] : arguments;

    private static string Tail(string text, int lines)
    {
        var all = text.TrimEnd().Split('\n');
        return string.Join('\n', all.Length <= lines ? all : all[^lines..]);
    }

    private readonly record struct ProcessResult(int ExitCode, string Output);

    /// <summary>Runs a short-lived tool, capturing stdout and stderr interleaved as they arrive.</summary>
    private static async Task<ProcessResult> RunAsync(string fileName, IReadOnlyList<string> arguments, string workingDirectory, TimeSpan timeout)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not exit within {timeout}.");
        }

        // The process has exited; the parameterless wait also drains the redirected output.
        process.WaitForExit();
        lock (output)
        {
            return new ProcessResult(process.ExitCode, output.ToString());
        }

        void Append(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }
}

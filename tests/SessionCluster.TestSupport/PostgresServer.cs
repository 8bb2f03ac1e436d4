using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using Xunit;

namespace SessionCluster.TestSupport;

/// <summary>
/// A throwaway PostgreSQL server for the test run, started by the tests themselves (never skipped): initdb into
/// a temp folder, pg_ctl start on a free loopback port, one fresh database per test class, pg_ctl stop and the
/// folder deleted at the end. As root it runs the server as the <c>postgres</c> user (and installs the
/// <c>postgresql</c> package when missing); otherwise it runs it as the current user.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(3);

    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _classDatabases = new(StringComparer.Ordinal);
    private string _root = "";
    private string _bin = "";
    private bool _started;
    private int _nextDatabase;

    /// <summary>The TCP port on 127.0.0.1.</summary>
    public int Port { get; private set; }

    private static bool IsRoot => Environment.UserName == "root";

    private string DataFolder => Path.Combine(_root, "data");

    private string LogFile => Path.Combine(_root, "server.log");

    public async Task InitializeAsync()
    {
        _bin = FindOrInstallBinaries();
        _root = Directory.CreateTempSubdirectory("sessioncluster-pg-").FullName;
        if (IsRoot)
        {
            await RunAsync("chown", "postgres:postgres", _root);
        }

        await RunAsPostgresAsync(Path.Combine(_bin, "initdb"), "-D", DataFolder, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8");
        Port = FreePort();
        try
        {
            await RunAsPostgresAsync(Path.Combine(_bin, "pg_ctl"), "-D", DataFolder, "-l", LogFile, "-w", "-t", "120", "-o",
                $"-p {Port} -k {_root} -c listen_addresses=127.0.0.1 -c max_connections=300", "start");
        }
        catch (Exception e)
        {
            var log = File.Exists(LogFile) ? await File.ReadAllTextAsync(LogFile) : "(pg_ctl wrote no log)";
            throw new InvalidOperationException($"PostgreSQL did not start on port {Port}. pg_ctl's log:\n{log}", e);
        }

        _started = true;
    }

    /// <summary>The connection string of a database created once for <paramref name="testClass"/> and shared by its tests.</summary>
    public Task<string> DatabaseForClassAsync(string testClass) =>
        _classDatabases.GetOrAdd(testClass, name => new Lazy<Task<string>>(() => CreateDatabaseAsync(name))).Value;

    /// <summary>Creates a new, empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string hint)
    {
        var name = $"t{Interlocked.Increment(ref _nextDatabase)}_{new string(hint.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).Take(40).ToArray())}";
        await using (var connection = new NpgsqlConnection(ConnectionString("postgres")))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        return ConnectionString(name);
    }

    /// <summary>
    /// Stops the server (fast shutdown: every connection is cut, as when PostgreSQL restarts under load), keeps it down
    /// for <paramref name="down"/>, and starts it again on the same port and data.
    /// </summary>
    public async Task RestartAsync(TimeSpan down)
    {
        await RunAsPostgresAsync(Path.Combine(_bin, "pg_ctl"), "-D", DataFolder, "-m", "fast", "-w", "stop");
        await Task.Delay(down);
        await RunAsPostgresAsync(Path.Combine(_bin, "pg_ctl"), "-D", DataFolder, "-l", LogFile, "-w", "-t", "120", "-o",
            $"-p {Port} -k {_root} -c listen_addresses=127.0.0.1 -c max_connections=300", "start");

        // The pools of this process still hold connections the restart cut: the next test must not get one.
        NpgsqlConnection.ClearAllPools();
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            if (_started)
            {
                await RunAsPostgresAsync(Path.Combine(_bin, "pg_ctl"), "-D", DataFolder, "-m", "fast", "-w", "stop");
            }
        }
        finally
        {
            if (_root.Length > 0)
            {
                Directory.Delete(_root, recursive: true);
            }
        }
    }

    private string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = database,
        MaxPoolSize = 20,
        Timeout = 60,
        CommandTimeout = 120,
    }.ToString();

    private static string FindOrInstallBinaries()
    {
        var found = Find();
        if (found is not null)
        {
            return found;
        }

        if (!IsRoot)
        {
            throw new InvalidOperationException(
                "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb) and installing it needs root. Run: sudo apt-get install -y postgresql");
        }

        RunAsync("apt-get", "update", "-qq").GetAwaiter().GetResult();
        RunAsync("apt-get", "install", "-y", "-qq", "postgresql").GetAwaiter().GetResult();
        return Find() ?? throw new InvalidOperationException("apt-get install postgresql succeeded, but /usr/lib/postgresql/*/bin/initdb is still missing.");

        static string? Find() => Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(b => File.Exists(Path.Combine(b, "initdb")) && File.Exists(Path.Combine(b, "pg_ctl")))
                .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>PostgreSQL refuses to run as root, so as root its tools run as the postgres user.</summary>
    private static Task RunAsPostgresAsync(string tool, params string[] arguments) =>
        IsRoot ? RunAsync("runuser", ["-u", "postgres", "--", tool, .. arguments]) : RunAsync(tool, arguments);

    private static async Task RunAsync(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{file} {string.Join(' ', arguments)}' did not finish within {CommandTimeout}.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"'{file} {string.Join(' ', arguments)}' exited with {process.ExitCode}.\nstdout:\n{await stdout}\nstderr:\n{await stderr}");
        }
    }
}

/// <summary>Every PostgreSQL test class shares one server; its tests run one after another.</summary>

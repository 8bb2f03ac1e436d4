using System.Globalization;

/// <summary>
/// CPU seconds spent by each part of the benchmark between two readings, from /proc: the node processes, this process
/// (the simulator and the benchmark), and PostgreSQL (every process of the <c>postgres</c> user, plus what the
/// postmaster's ended backends spent). On a machine of two cores the parts' sum divided by two is the shortest time
/// the work could take, whatever the cluster's timing.
/// </summary>
internal sealed class CpuMeter
{
    private static readonly double TicksPerSecond = 100;

    private readonly Func<IReadOnlyList<(string Name, int Pid)>> _nodes;

    public CpuMeter(Func<IReadOnlyList<(string Name, int Pid)>> nodes) => _nodes = nodes;

    public Dictionary<string, double> Read()
    {
        var reading = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, pid) in _nodes())
        {
            reading[name] = Seconds(pid, withChildren: false);
        }

        reading["simulator+bench"] = Seconds(Environment.ProcessId, withChildren: false);
        reading["postgres"] = PostgresSeconds();
        return reading;
    }

    /// <summary>What each part spent from <paramref name="before"/> to <paramref name="after"/> (a node absent in one of them counts what it has).</summary>
    public static string Describe(Dictionary<string, double> before, Dictionary<string, double> after, int sessions)
    {
        var spent = after.Select(a => (a.Key, Seconds: a.Value - before.GetValueOrDefault(a.Key))).Where(p => p.Seconds > 0.05).ToList();
        var total = spent.Sum(p => p.Seconds);
        var parts = string.Join(", ", spent.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Seconds:F1} s")));
        return string.Create(CultureInfo.InvariantCulture,
            $"CPU {total:F1} s in all ({parts}); {1000 * total / Math.Max(1, sessions):F1} ms per session moved; on 2 cores at least {total / 2:F1} s");
    }

    private static double Seconds(int pid, bool withChildren)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command name (which may hold spaces) start after the last ')': state is field 3.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            if (withChildren)
            {
                ticks += long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture);
            }

            return ticks / TicksPerSecond;
        }
        catch (IOException)
        {
            return 0; // the process ended between listing and reading: its time is its parent's now
        }
    }

    private static double PostgresSeconds()
    {
        var total = 0.0;
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out var pid))
            {
                continue;
            }

            try
            {
                var status = File.ReadAllLines(Path.Combine(folder, "status"));
                var uid = status.FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal))?.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1];
                var parent = status.FirstOrDefault(l => l.StartsWith("PPid:", StringComparison.Ordinal))?.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1];
                if (uid is not null && uid == PostgresUid.Value)
                {
                    // The postmaster (its parent is not a postgres process) also counts its ended backends.
                    total += Seconds(pid, withChildren: parent is not null && !IsPostgres(parent));
                }
            }
            catch (IOException)
            {
                // ended meanwhile
            }
        }

        return total;
    }

    private static bool IsPostgres(string pid)
    {
        try
        {
            return File.ReadAllLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal))?.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1] == PostgresUid.Value;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static readonly Lazy<string> PostgresUid = new(() =>
        File.ReadLines("/etc/passwd").Select(l => l.Split(':')).FirstOrDefault(f => f[0] == "postgres")?[2] ?? "-1");
}

using BenchmarkDotNet.Running;
using SessionCluster.Benchmarks;
using SessionCluster.Benchmarks.Media;
using SessionCluster.Benchmarks.Persistence;
using SessionCluster.Benchmarks.Sessions;
using SessionCluster.Benchmarks.Simulator;

// `--export-corpus <path>` writes the codec corpus as JSON for the Node (Baileys) benchmark and exits;
// `--simulator` holds logged-in connections and relays 1:1 messages through the embedded simulator
// (bench/run-simulator-benchmarks.sh); `--persistence` compares our Akka persistence plugins with Akka.Persistence.Sql
// through real persistent actors (bench/run-persistence-benchmarks.sh); `--sessions N` runs N SessionActors against the
// simulator in its own process (bench/run-session-benchmarks.sh); `--media` media crypto, upload/download and group-send CPU (bench/run-media-benchmarks.sh); anything else runs the benchmarks named on the command line (BenchmarkDotNet's --filter).
// See docs/BENCHMARKS.md and bench/run-wire-benchmarks.sh.
switch (args.FirstOrDefault())
{
    case SimulatorBenchmark.Option:
        Environment.ExitCode = await SimulatorBenchmark.RunAsync(args);
        return;
    case PersistenceBenchmark.Option:
        Environment.ExitCode = await PersistenceBenchmark.RunAsync(args);
        return;
    case SessionLoadBenchmark.Option:
        Environment.ExitCode = await SessionLoadBenchmark.RunAsync(args);
        return;
    case MediaBenchmark.Option:
        Environment.ExitCode = await MediaBenchmark.RunAsync(args);
        return;
}

if (args is [CorpusExport.Option, var path])
{
    CorpusExport.Write(path);
    Console.WriteLine($"Wrote the node corpus to {path}");
    return;
}

if (args.Length > 0 && args[0] == CorpusExport.Option)
{
    Console.Error.WriteLine($"usage: {CorpusExport.Option} <path>");
    Environment.ExitCode = 2;
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(CorpusExport).Assembly).Run(args);

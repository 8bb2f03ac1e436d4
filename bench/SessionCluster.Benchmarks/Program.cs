using BenchmarkDotNet.Running;
using SessionCluster.Benchmarks;

// `--export-corpus <path>` writes the codec corpus as JSON for the Node (Baileys) benchmark and exits;
// anything else runs the benchmarks named on the command line (BenchmarkDotNet's --filter).
// See docs/BENCHMARKS.md and bench/run-wire-benchmarks.sh.
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

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

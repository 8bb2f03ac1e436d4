using BenchmarkDotNet.Running;

// Runs the benchmarks named on the command line (BenchmarkDotNet's --filter); see docs/BENCHMARKS.md.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

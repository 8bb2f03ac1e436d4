using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;

namespace SessionCluster.Benchmarks;

/// <summary>
/// The job every wire-layer benchmark runs: one process, 3 warm-up and 10 measured iterations of
/// BenchmarkDotNet's default ~0.5 s each. Short enough that the whole wire suite runs in a few minutes
/// on two cores, long enough for a median and a confidence interval worth reading. Allocations are
/// measured, and a full JSON report is written for bench/node/summarize-wire-benchmarks.mjs.
/// </summary>
public sealed class WireBenchmarkConfig : ManualConfig
{
    public WireBenchmarkConfig()
    {
        AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(10).WithId("Wire"));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddExporter(JsonExporter.Full);
    }
}

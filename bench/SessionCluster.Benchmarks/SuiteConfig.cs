using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;

namespace SessionCluster.Benchmarks;

/// <summary>
/// The job every benchmark suite here runs (wire layer, Signal engine): one process, 3 warm-up and 10
/// measured iterations of BenchmarkDotNet's default ~0.5 s each. Short enough that a suite runs in a few
/// minutes on two cores, long enough for a median and a confidence interval worth reading. Allocations
/// are measured, and a full JSON report is written for the bench/node/summarize-*.mjs scripts.
/// </summary>
public sealed class SuiteConfig : ManualConfig
{
    public SuiteConfig()
    {
        AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(10).WithId("Suite"));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddExporter(JsonExporter.Full);
    }
}

using Xunit.Abstractions;

namespace SessionCluster.Interop.Tests.Simulator;

/// <summary>
/// What every interop test against the simulator has: a folder for the Baileys clients' credentials, removed
/// afterwards, and one <see cref="InteropLog"/> of the simulator's and Baileys' lines, written to the test output so
/// a failing test shows both sides.
/// </summary>
public abstract class SimulatorInteropTest(ITestOutputHelper output) : IDisposable
{
    protected string Folder { get; } = Path.Combine(Path.GetTempPath(), "baileys-sim-" + Guid.NewGuid().ToString("N"));

    private protected InteropLog Logs { get; } = new();

    public void Dispose()
    {
        foreach (var line in Logs.Lines)
        {
            output.WriteLine(line);
        }

        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }

        GC.SuppressFinalize(this);
    }
}

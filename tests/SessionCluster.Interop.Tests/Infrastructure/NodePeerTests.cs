using System.Diagnostics;
using System.Text.Json;

namespace SessionCluster.Interop.Tests.Infrastructure;

public sealed class EchoPeerFixture : NodePeerFixture
{
    public const string EnvironmentProbe = "SESSIONCLUSTER_INTEROP_PROBE";

    protected override string Script => "echo-peer.mjs";

    protected override NodePeerOptions Options { get; } = new()
    {
        Environment = new Dictionary<string, string?> { [EnvironmentProbe] = "from-the-test" },
    };
}

/// <summary>
/// Pins the peer protocol itself against tests/Interop/echo-peer.mjs, so a failing codec or Noise
/// interop test can be trusted to be about the codec or Noise, not about the plumbing.
/// </summary>
[Trait("Category", "Interop")]
public sealed class NodePeerTests(EchoPeerFixture fixture) : IClassFixture<EchoPeerFixture>
{
    private NodePeer Peer => fixture.Peer;

    [Fact]
    public async Task CallReturnsThePeersResult()
    {
        var result = await Peer.CallAsync("echo", new { text = "héllo ✓ 😀", number = 42, list = new[] { 1, 2 } });

        Assert.Equal("héllo ✓ 😀", result.GetProperty("text").GetString());
        Assert.Equal(42, result.GetProperty("number").GetInt32());
        Assert.Equal(2, result.GetProperty("list").GetArrayLength());
    }

    [Fact]
    public async Task NullArgumentsArriveAsNull()
    {
        var result = await Peer.CallAsync("echo", null);

        Assert.Equal(JsonValueKind.Null, result.ValueKind);
    }

    [Fact]
    public void ReadyEventAnnouncesTheOperations()
    {
        Assert.Contains("echo", Peer.Operations);
        Assert.Contains("ops", Peer.Operations);
    }

    [Fact]
    public async Task ConcurrentCallsAreMatchedByIdWhenAnswersComeBackOutOfOrder()
    {
        // Later calls finish first; each caller must still get its own value.
        var calls = Enumerable.Range(0, 40)
            .Select(i => Peer.CallAsync("delayedEcho", new { delayMs = (40 - i) * 5, value = i }))
            .ToArray();

        var results = await Task.WhenAll(calls);

        Assert.Equal(Enumerable.Range(0, 40), results.Select(r => r.GetInt32()));
    }

    [Fact]
    public async Task PeerErrorsCarryTheStackAndTheLastStderrLines()
    {
        var marker = $"stderr-marker-{Guid.NewGuid():N}";

        var error = await Assert.ThrowsAsync<NodePeerException>(
            () => Peer.CallAsync("failLater", new { message = "the peer refused", stderr = marker }));

        Assert.Equal("failLater", error.Op);
        Assert.Contains("TypeError: the peer refused", error.PeerError, StringComparison.Ordinal);
        Assert.Contains("echo-peer.mjs", error.PeerError, StringComparison.Ordinal);
        Assert.Contains(marker, error.StderrTail, StringComparison.Ordinal);
        Assert.Contains("the peer refused", error.Message, StringComparison.Ordinal);
        Assert.Contains(marker, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownOperationIsAnErrorNamingTheKnownOnes()
    {
        var error = await Assert.ThrowsAsync<NodePeerException>(() => Peer.CallAsync("no-such-op", null));

        Assert.Contains("unknown op \"no-such-op\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("echo", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallWithoutAnswerTimesOutAndThePeerStaysUsable()
    {
        var error = await Assert.ThrowsAsync<NodePeerException>(
            () => Peer.CallAsync("hang", null, TimeSpan.FromMilliseconds(200)));

        Assert.Contains("no answer within", error.Message, StringComparison.Ordinal);
        Assert.Equal("still here", (await Peer.CallAsync("echo", "still here")).GetString());
    }

    [Fact]
    public async Task CancellationAbandonsTheCall()
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Peer.CallAsync("hang", null, cancellation.Token));
    }

    [Fact]
    public async Task LinesOfManyMegabytesTravelBothWays()
    {
        var sent = new string('a', 6 * 1024 * 1024) + "✓";

        var length = await Peer.CallAsync("length", new { text = sent });
        var received = await Peer.CallAsync("repeat", new { text = "0123456789abcdef", times = 512 * 1024 });

        Assert.Equal(sent.Length, length.GetInt32());
        Assert.Equal(8 * 1024 * 1024, received.GetString()!.Length);
    }

    [Fact]
    public async Task RawJsonArgumentsAreSentVerbatim()
    {
        var args = RawJson.Build(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("raw", "yes");
            writer.WriteEndObject();
        });

        var result = await Peer.CallAsync("echo", args);

        Assert.Equal("yes", result.GetProperty("raw").GetString());
    }

    [Fact]
    public async Task EnvironmentVariablesReachThePeer()
    {
        var value = await Peer.CallAsync("env", new { name = EchoPeerFixture.EnvironmentProbe });

        Assert.Equal("from-the-test", value.GetString());
    }

    [Fact]
    public async Task UnpromptedEventsArriveOnTheChannelInOrder()
    {
        await using var peer = await NodePeer.StartAsync("echo-peer.mjs");

        await peer.CallAsync("emitEvents", new { name = "frame", count = 3 });

        for (var i = 0; i < 3; i++)
        {
            var pushed = await peer.Events.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal("frame", pushed.Name);
            Assert.Equal(i, pushed.Data.GetProperty("sequence").GetInt32());
        }
    }

    [Fact]
    public async Task PeerThatDiesFailsPendingAndLaterCallsWithItsExitCodeAndStderr()
    {
        await using var peer = await NodePeer.StartAsync("echo-peer.mjs");
        var pending = peer.CallAsync("hang", null);

        var crash = await Assert.ThrowsAsync<NodePeerException>(
            () => peer.CallAsync("crash", new { code = 3, stderr = "dying on purpose" }));
        var hung = await Assert.ThrowsAsync<NodePeerException>(() => pending);
        var later = await Assert.ThrowsAsync<NodePeerException>(() => peer.CallAsync("echo", 1));

        Assert.Contains("exit code 3", crash.Message, StringComparison.Ordinal);
        Assert.Contains("dying on purpose", crash.Message, StringComparison.Ordinal);
        Assert.Equal("hang", hung.Op);
        Assert.Contains("no longer running", later.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<NodePeerException>(async () => await peer.Events.Completion);
    }

    [Fact]
    public async Task ScriptThatFailsToLoadReportsNodesErrorAtStart()
    {
        var options = new NodePeerOptions { NodeArguments = ["--import", "data:text/javascript,throw new Error('broken at load')"] };

        var error = await Assert.ThrowsAsync<NodePeerException>(() => NodePeer.StartAsync("echo-peer.mjs", options));

        Assert.Contains("broken at load", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DisposeKillsAPeerThatDoesNotExitWhenStdinCloses()
    {
        var peer = await NodePeer.StartAsync("echo-peer.mjs", new NodePeerOptions { ExitTimeout = TimeSpan.FromMilliseconds(300) });
        var processId = peer.ProcessId;
        // A pending call keeps the peer alive after stdin closes.
        var pending = peer.CallAsync("hang", null, TimeSpan.FromMinutes(5));

        var stopwatch = Stopwatch.StartNew();
        await peer.DisposeAsync();

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"disposal took {stopwatch.Elapsed}");
        Assert.False(IsRunning(processId), $"node process {processId} still runs after disposal");
        await Assert.ThrowsAsync<NodePeerException>(() => pending);
    }

    [Fact]
    public async Task DisposeOfAnIdlePeerLetsItExitOnItsOwn()
    {
        var peer = await NodePeer.StartAsync("echo-peer.mjs");
        var processId = peer.ProcessId;

        await peer.DisposeAsync();
        await peer.DisposeAsync();

        Assert.False(IsRunning(processId));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => peer.CallAsync("echo", 1));
    }

    private static bool IsRunning(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}

/// <summary>The npm/Node prerequisites and the repository layout the peers rely on.</summary>
[Trait("Category", "Interop")]
public sealed class NpmPeersTests
{
    [Fact]
    public async Task NodeIsInstalledAndRecentEnough()
    {
        var version = await NpmPeers.EnsureInstalledAsync();

        Assert.True(NpmPeers.ParseNodeMajorVersion(version) >= NpmPeers.MinimumNodeMajorVersion, version);
        Assert.False(NpmPeers.IsInstallNeeded(RepositoryPaths.InteropFolder));
    }

    [Theory]
    [InlineData("v20.20.2\n", 20)]
    [InlineData("v18.0.0", 18)]
    [InlineData("22.1.0", 22)]
    [InlineData("nonsense", null)]
    public void NodeMajorVersionIsParsedFromVersionOutput(string output, int? expected) =>
        Assert.Equal(expected, NpmPeers.ParseNodeMajorVersion(output));

    [Fact]
    public void InstallIsNeededWhenNpmsRecordIsMissingOrOlderThanTheLockfile()
    {
        var folder = Directory.CreateTempSubdirectory("interop-npm-").FullName;
        try
        {
            var lockFile = Path.Combine(folder, "package-lock.json");
            var record = Path.Combine(folder, "node_modules", ".package-lock.json");
            File.WriteAllText(lockFile, "{}");
            Assert.True(NpmPeers.IsInstallNeeded(folder));

            Directory.CreateDirectory(Path.GetDirectoryName(record)!);
            File.WriteAllText(record, "{}");
            File.SetLastWriteTimeUtc(record, File.GetLastWriteTimeUtc(lockFile).AddMinutes(-1));
            Assert.True(NpmPeers.IsInstallNeeded(folder));

            File.SetLastWriteTimeUtc(record, File.GetLastWriteTimeUtc(lockFile).AddMinutes(1));
            Assert.False(NpmPeers.IsInstallNeeded(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void RepositoryPathsFindTheInteropFolder()
    {
        Assert.True(File.Exists(Path.Combine(RepositoryPaths.Root, RepositoryPaths.SolutionFileName)));
        Assert.True(File.Exists(Path.Combine(RepositoryPaths.InteropFolder, "package.json")));
        Assert.True(File.Exists(Path.Combine(RepositoryPaths.InteropFolder, "peer-protocol.mjs")));
    }
}

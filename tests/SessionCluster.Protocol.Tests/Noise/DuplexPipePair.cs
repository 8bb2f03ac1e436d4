using System.IO.Pipelines;

namespace SessionCluster.Protocol.Tests.Noise;

/// <summary>Two in-memory duplex pipes wired back to back: what one writes, the other reads.</summary>
internal sealed class DuplexPipePair
{
    public DuplexPipePair()
    {
        var toServer = new Pipe(new PipeOptions(pauseWriterThreshold: 32 << 20, resumeWriterThreshold: 16 << 20));
        var toClient = new Pipe(new PipeOptions(pauseWriterThreshold: 32 << 20, resumeWriterThreshold: 16 << 20));
        Client = new Endpoint(toClient.Reader, toServer.Writer);
        Server = new Endpoint(toServer.Reader, toClient.Writer);
    }

    public IDuplexPipe Client { get; }

    public IDuplexPipe Server { get; }

    private sealed record Endpoint(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}

using Microsoft.Extensions.Logging;

namespace SessionCluster.Edge.Streams;

/// <summary>
/// What the live streams need beside the edge's dependencies, made once by the node: their settings, their logger,
/// and the node's stopping signal, which ends every open stream (Kestrel waits for requests to finish before it
/// stops, and a stream never finishes by itself).
/// </summary>
public sealed record LiveStreams(StreamOptions Options, ILogger Logger, CancellationToken Stopping);

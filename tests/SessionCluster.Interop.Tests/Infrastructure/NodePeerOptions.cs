namespace SessionCluster.Interop.Tests.Infrastructure;

/// <summary>How a <see cref="NodePeer"/> process is started and how long it is waited for.</summary>
public sealed record NodePeerOptions
{
    /// <summary>The defaults listed on each property.</summary>
    public static NodePeerOptions Default { get; } = new();

    /// <summary>
    /// Environment variables set for the peer (a null value removes one), e.g.
    /// <c>NODE_TLS_REJECT_UNAUTHORIZED=0</c> for a peer that talks to a test TLS server.
    /// Default: none; the peer inherits the test process environment.
    /// </summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>Arguments for <c>node</c> placed before the script, e.g. <c>--max-old-space-size=4096</c>. Default: none.</summary>
    public IReadOnlyList<string> NodeArguments { get; init; } = [];

    /// <summary>How long a call waits for its answer unless the call says otherwise. Default: 60 s.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long to wait for the peer's <c>ready</c> event (module loading included). Default: 30 s.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the peer may take to exit after stdin closes before its process tree is killed. Default: 5 s.</summary>
    public TimeSpan ExitTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How many of the most recent stderr lines are kept for error messages. Default: 200.</summary>
    public int StderrLinesKept { get; init; } = 200;

    /// <summary>Called for every stderr line as it arrives (on a background thread), e.g. to echo peer logs. Default: none.</summary>
    public Action<string>? StderrLine { get; init; }
}

namespace SessionCluster.Interop.Tests.Infrastructure;

/// <summary>
/// A peer call failed: the peer answered <c>ok:false</c>, did not answer in time, or exited.
/// Carries the peer's own error (usually a JavaScript stack) and the last lines the peer wrote to
/// stderr, which is where Node reports what went wrong before a crash.
/// </summary>
public sealed class NodePeerException : Exception
{
    public NodePeerException(string script, string? op, string summary, string? peerError, string stderrTail)
        : base(Compose(script, op, summary, peerError, stderrTail))
    {
        Script = script;
        Op = op;
        PeerError = peerError;
        StderrTail = stderrTail;
    }

    /// <summary>The peer script, e.g. <c>binary-peer.mjs</c>.</summary>
    public string Script { get; }

    /// <summary>The operation that failed, or null when the peer failed outside a call.</summary>
    public string? Op { get; }

    /// <summary>The <c>error</c> text the peer sent back (message and stack), if it answered.</summary>
    public string? PeerError { get; }

    /// <summary>The most recent stderr lines of the peer process, oldest first.</summary>
    public string StderrTail { get; }

    private static string Compose(string script, string? op, string summary, string? peerError, string stderrTail)
    {
        var where = op is null ? script : $"{script} op '{op}'";
        var message = $"{where}: {summary}";
        if (!string.IsNullOrEmpty(peerError))
        {
            message += $"{Environment.NewLine}--- peer error ---{Environment.NewLine}{peerError}";
        }

        message += string.IsNullOrEmpty(stderrTail)
            ? $"{Environment.NewLine}--- peer stderr: (empty) ---"
            : $"{Environment.NewLine}--- last peer stderr lines ---{Environment.NewLine}{stderrTail}";
        return message;
    }
}

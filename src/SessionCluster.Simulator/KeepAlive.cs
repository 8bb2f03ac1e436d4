using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Stanzas;
using SessionCluster.Simulator.Connections;

namespace SessionCluster.Simulator;

/// <summary>
/// <c>&lt;iq xmlns="w:p" type="get"&gt;[&lt;ping/&gt;]&lt;/iq&gt;</c> → <c>&lt;iq type="result"/&gt;</c> (docs/PROTOCOL.md §13: BL sends a
/// <c>ping</c> child, WM none; any result with the id counts as the pong).
/// </summary>
internal static class KeepAlive
{
    public static ValueTask<Node?> HandleAsync(ChatConnection connection, Node iq, CancellationToken cancellationToken)
    {
        if (iq.GetString("type") != "get")
        {
            throw new IqRequestException(IqErrorCode.BadRequest, "A keepalive ping is an iq get.");
        }

        var child = IqRouter.FirstChild(iq);
        if (child is not ("" or "ping"))
        {
            throw new IqRequestException(IqErrorCode.BadRequest, $"A keepalive ping has no child or <ping/>, not <{child}>.");
        }

        return ValueTask.FromResult<Node?>(ServerStanzas.IqResult(iq));
    }
}

using System.Globalization;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Stanzas;
using SessionCluster.Simulator.Connections;

namespace SessionCluster.Simulator.Media;

/// <summary>
/// <c>&lt;iq xmlns="w:m" type="set"&gt;&lt;media_conn/&gt;&lt;/iq&gt;</c> (docs/PROTOCOL.md §12) → <c>&lt;media_conn auth ttl auth_ttl
/// max_buckets&gt;&lt;host hostname/&gt;&lt;/media_conn&gt;</c>: a fresh upload token and the simulator's one media host.
/// </summary>
internal sealed class MediaConn(MediaServer media)
{
    public ValueTask<Node?> HandleAsync(ChatConnection connection, Node iq, CancellationToken cancellationToken)
    {
        _ = cancellationToken;
        if (IqRouter.FirstChild(iq) != "media_conn")
        {
            throw new IqRequestException(IqErrorCode.BadRequest, $"w:m <{IqRouter.FirstChild(iq)}> is not a media_conn request.");
        }

        if (media.Hostname is null)
        {
            throw new IqRequestException(IqErrorCode.InternalServerError, "The media host is not running.");
        }

        var reply = new Node(
            "media_conn",
            [
                ("auth", media.Store.IssueAuth()),
                ("ttl", ((int)MediaStore.Ttl.TotalSeconds).ToString(CultureInfo.InvariantCulture)),
                ("auth_ttl", ((int)MediaStore.AuthTtl.TotalSeconds).ToString(CultureInfo.InvariantCulture)),
                ("max_buckets", "12"),
            ],
            [new Node("host", [("hostname", media.Hostname), ("maxContentLengthBytes", MediaServer.MaxUploadBytes.ToString(CultureInfo.InvariantCulture))])]);
        return ValueTask.FromResult<Node?>(ServerStanzas.IqResult(iq, reply));
    }
}

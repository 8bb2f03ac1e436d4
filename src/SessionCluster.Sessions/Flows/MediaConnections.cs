using System.Globalization;
using SessionCluster.Protocol.Binary;

namespace SessionCluster.Sessions.Flows;

/// <summary>
/// media_conn on the wire (docs/PROTOCOL.md §12; whatsmeow mediaconn.go, Baileys refreshMediaConn):
/// <c>&lt;iq xmlns="w:m" type="set" to="s.whatsapp.net"&gt;&lt;media_conn/&gt;&lt;/iq&gt;</c>, answered
/// <c>&lt;media_conn auth ttl auth_ttl max_buckets&gt;&lt;host hostname/&gt;…&lt;/media_conn&gt;</c>. Pure builder and reader.
/// </summary>
public static class MediaConnections
{
    public static Node Query(string id) =>
        new("iq", [("id", id), ("xmlns", "w:m"), ("type", "set"), ("to", "s.whatsapp.net")], [new Node("media_conn")]);

    /// <summary>The upload auth and hosts of the answer, valid until <paramref name="now"/> + <c>ttl</c>.</summary>
    /// <exception cref="FormatException">No <c>&lt;media_conn&gt;</c>, no auth, no host, or a ttl that is not a positive number.</exception>
    public static MediaConnection Read(Node result, DateTimeOffset now)
    {
        var conn = result.GetOptionalChild("media_conn") ?? throw new FormatException("The w:m result has no <media_conn>.");
        var auth = conn.GetOptionalString("auth") is { Length: > 0 } a ? a : throw new FormatException("<media_conn> has no auth.");
        var ttl = int.TryParse(conn.GetOptionalString("ttl"), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : throw new FormatException("<media_conn> has no positive ttl.");
        var hosts = conn.GetChildren("host").Select(h => h.GetOptionalString("hostname")).OfType<string>().Where(h => h.Length > 0).ToList();
        return hosts.Count == 0 ? throw new FormatException("<media_conn> names no host.") : new MediaConnection(auth, hosts, now + ttl);
    }
}

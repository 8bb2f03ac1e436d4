using SessionCluster.Protocol.Binary;
using SessionCluster.Simulator.Connections;

namespace SessionCluster.Simulator;

/// <summary>
/// <c>&lt;ib&gt;</c> stanzas from a client (docs/PROTOCOL.md §13): <c>unified_session</c> telemetry after pairing and login, and
/// <c>offline_batch</c> (BL's answer to an offline preview). Neither gets a reply from the real server.
/// The server's own <c>&lt;ib&gt;&lt;offline count/&gt;</c> is <see cref="Offline"/>.
/// </summary>
internal static class InfoBroadcast
{
    public static void Handle(ChatConnection connection, Node ib)
    {
        if (ib.ContentKind != NodeContentKind.Children || ib.Children.Count == 0)
        {
            throw new MalformedStanzaException("<ib> without a child.");
        }

        foreach (var child in ib.Children)
        {
            switch (child.Tag)
            {
                case "unified_session":
                    if (child.GetOptionalString("id") is not { Length: > 0 } id || !long.TryParse(id, System.Globalization.CultureInfo.InvariantCulture, out _))
                    {
                        throw new MalformedStanzaException("<ib><unified_session> needs a numeric id.");
                    }

                    break;
                case "offline_batch":
                    // BL's answer to an offline preview; the simulator delivers its offline queue without one, so nothing follows.
                    break;
                default:
                    connection.ReportUnhandled("<ib><" + child.Tag + ">");
                    break;
            }
        }
    }

    /// <summary><c>&lt;ib&gt;&lt;offline count="N"/&gt;&lt;/ib&gt;</c>: offline delivery is finished (BL then flushes its buffered events).</summary>
    public static Node Offline(int count) =>
        new("ib", null, [new Node("offline", [("count", count.ToString(System.Globalization.CultureInfo.InvariantCulture))])]);
}

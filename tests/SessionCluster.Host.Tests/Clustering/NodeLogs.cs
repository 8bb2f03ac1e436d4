using System.Globalization;
using System.Text.RegularExpressions;

namespace SessionCluster.Host.Tests.Clustering;

/// <summary>
/// What the nodes' text logs say about sessions (the log names a session by its internal id, e.g. <c>s-01a2…</c>):
/// which internal id a phone's session has, and when and where each session connected or was handed off.
/// </summary>
internal static partial class NodeLogs
{
    /// <summary>The internal id of the session linked as <paramref name="phone"/>, from any node's log.</summary>
    public static string InternalId(IEnumerable<ClusterNode> nodes, string phone)
    {
        foreach (var node in nodes)
        {
            var match = Regex.Match(node.Process.Output, $@"Session (?<id>[A-Za-z0-9._-]+): linked as {phone}:");
            if (match.Success)
            {
                return match.Groups["id"].Value;
            }
        }

        throw new InvalidOperationException($"No node logged a session linked as {phone}.");
    }

    /// <summary>Every phone's internal session id, read once from all the nodes' logs (for runs with thousands of sessions).</summary>
    public static IReadOnlyDictionary<string, string> InternalIds(IEnumerable<ClusterNode> nodes)
    {
        var ids = new Dictionary<string, string>();
        foreach (var node in nodes)
        {
            foreach (Match match in Linked().Matches(node.Process.Output))
            {
                ids[match.Groups["phone"].Value] = match.Groups["id"].Value;
            }
        }

        return ids;
    }

    /// <summary>Every session's "connected" and "handed off" lines on every node, in time order, read in one pass.</summary>
    public static IReadOnlyDictionary<string, List<SessionMoment>> MomentsById(IEnumerable<ClusterNode> nodes)
    {
        var moments = new Dictionary<string, List<SessionMoment>>();
        foreach (var node in nodes)
        {
            foreach (var line in node.Process.Output.Split('\n'))
            {
                if (Moment().Match(line) is { Success: true } m)
                {
                    var id = m.Groups["id"].Value;
                    if (!moments.TryGetValue(id, out var list))
                    {
                        moments[id] = list = [];
                    }

                    list.Add(new SessionMoment(node, TimeOnly.ParseExact(m.Groups["time"].Value, "HH:mm:ss.fff", CultureInfo.InvariantCulture), m.Groups["what"].Value == "connected."));
                }
            }
        }

        foreach (var list in moments.Values)
        {
            list.Sort((a, b) => a.Time.CompareTo(b.Time));
        }

        return moments;
    }

    /// <summary>
    /// Each node's lines since <paramref name="since"/> that name the session of <paramref name="phone"/> or its shard
    /// (the lease, the shard's start), at most 30 per node: for a failure message.
    /// </summary>
    public static string AboutSession(IEnumerable<ClusterNode> nodes, string phone, TimeOnly since)
    {
        var all = nodes.ToList();
        var id = InternalId(all, phone);
        var shard = SessionCluster.Sessions.SessionRegion.ShardIdOf(new SessionCluster.Sessions.SessionId(id));
        var from = since.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);
        var text = new System.Text.StringBuilder();
        foreach (var node in all)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"node {node.Index} about {id} (shard {shard}):");
            foreach (var line in node.Process.Output.Split('\n')
                .Where(l => string.CompareOrdinal(l, 1, from, 0, 12) >= 0
                    && (l.Contains(id, StringComparison.Ordinal) || l.Contains($"shard-session-{shard} ", StringComparison.Ordinal) || l.Contains($"[{shard}]", StringComparison.Ordinal)))
                .Take(30))
            {
                text.AppendLine("  " + line);
            }
        }

        return text.ToString();
    }

    /// <summary>The node whose log says it linked the session of <paramref name="phone"/> (before anything moved).</summary>
    public static ClusterNode? HostOf(IEnumerable<ClusterNode> nodes, string phone) =>
        nodes.SingleOrDefault(n => n.Process.Output.Contains($": linked as {phone}:", StringComparison.Ordinal));

    /// <summary>Every "connected" and "handed off" line of <paramref name="sessionId"/> on every node, in time order.</summary>
    public static IReadOnlyList<SessionMoment> Moments(IEnumerable<ClusterNode> nodes, string sessionId) => nodes
        .SelectMany(node => node.Process.Output.Split('\n').Select(line => Moment().Match(line)).Where(m => m.Success && m.Groups["id"].Value == sessionId)
            .Select(m => new SessionMoment(node, TimeOnly.ParseExact(m.Groups["time"].Value, "HH:mm:ss.fff", CultureInfo.InvariantCulture), m.Groups["what"].Value == "connected.")))
        .OrderBy(m => m.Time)
        .ToList();

    [GeneratedRegex(@"Session (?<id>[A-Za-z0-9._-]+): linked as (?<phone>\d+):")]
    private static partial Regex Linked();

    [GeneratedRegex(@"^\[(?<time>\d\d:\d\d:\d\d\.\d\d\d) [A-Z]{3}\] SessionCluster\.Sessions\.SessionActor: Session (?<id>[A-Za-z0-9._-]+): (?<what>connected\.|handed off)")]
    private static partial Regex Moment();
}

/// <summary>A session connected on <see cref="Node"/> (or was handed off there) at <see cref="Time"/> (the node's clock, this machine's).</summary>
internal sealed record SessionMoment(ClusterNode Node, TimeOnly Time, bool Connected);

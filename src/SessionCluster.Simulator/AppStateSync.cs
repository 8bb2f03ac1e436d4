using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Stanzas;
using SessionCluster.Simulator.Connections;

namespace SessionCluster.Simulator;

/// <summary>
/// <c>&lt;iq xmlns="w:sync:app:state" type="set"&gt;&lt;sync&gt;&lt;collection name version return_snapshot/&gt;…</c>
/// (docs/PROTOCOL.md §14). The simulator keeps no app state, so every known collection is empty: it answers
/// <c>&lt;collection name version="0"/&gt;</c> with no patches, no snapshot and no <c>has_more_patches</c>, which
/// Baileys (chat-utils.js extractSyncdPatches) reads as "done". Patch uploads are refused with feature-not-implemented.
/// </summary>
internal static class AppStateSync
{
    /// <summary>The collections a WhatsApp account has (docs/PROTOCOL.md §14).</summary>
    public static readonly IReadOnlySet<string> Collections =
        new HashSet<string>(StringComparer.Ordinal) { "critical_block", "critical_unblock_low", "regular_high", "regular", "regular_low" };

    public static ValueTask<Node?> HandleAsync(ChatConnection connection, Node iq, CancellationToken cancellationToken)
    {
        if (iq.GetString("type") != "set")
        {
            throw new IqRequestException(IqErrorCode.BadRequest, "App state sync is an iq set.");
        }

        var sync = IqRouter.RequireChild(iq, "sync");
        var answers = new List<Node>();
        foreach (var collection in sync.Children)
        {
            if (collection.Tag != "collection")
            {
                throw new IqRequestException(IqErrorCode.BadRequest, $"<sync> holds <collection> nodes, not <{collection.Tag}>.");
            }

            var name = collection.GetString("name");
            if (!Collections.Contains(name))
            {
                throw new IqRequestException(IqErrorCode.BadRequest, $"'{name}' is not an app state collection.");
            }

            if (collection.GetOptionalChild("patches") is not null)
            {
                throw new IqRequestException(IqErrorCode.FeatureNotImplemented, "The simulator keeps no app state; patch uploads are not supported.");
            }

            answers.Add(new Node("collection", [("name", name), ("version", "0")]));
        }

        if (answers.Count == 0)
        {
            throw new IqRequestException(IqErrorCode.BadRequest, "<sync> names no collection.");
        }

        return ValueTask.FromResult<Node?>(ServerStanzas.IqResult(iq, new Node("sync", null, answers)));
    }
}

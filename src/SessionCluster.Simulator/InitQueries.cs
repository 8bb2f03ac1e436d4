using System.Globalization;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Stanzas;
using SessionCluster.Simulator.Connections;

namespace SessionCluster.Simulator;

/// <summary>
/// The queries Baileys fires once its connection is open (chats.js executeInitQueries) and the dirty-bit clean
/// (docs/PROTOCOL.md §13), each answered the way a fresh account would be: no AB props, an empty blocklist, default privacy
/// settings ("all"), dirty bits acknowledged.
/// </summary>
internal static class InitQueries
{
    /// <summary>The privacy categories and values a fresh account reports.</summary>
    private static readonly (string Name, string Value)[] DefaultPrivacy =
    [
        ("last", "all"),
        ("online", "all"),
        ("profile", "all"),
        ("status", "all"),
        ("groupadd", "all"),
        ("readreceipts", "all"),
        ("calladd", "all"),
        ("messages", "all"),
    ];

    /// <summary>
    /// <c>&lt;iq xmlns="abt" type="get"&gt;&lt;props protocol="1" [hash]/&gt;</c> → <c>&lt;props protocol="1" hash/&gt;</c>
    /// without <c>&lt;prop&gt;</c> children: no experiment is switched on.
    /// </summary>
    public static ValueTask<Node?> PropsAsync(ChatConnection connection, Node iq, CancellationToken cancellationToken)
    {
        RequireType(iq, "get");
        var props = IqRouter.RequireChild(iq, "props");
        return Reply(ServerStanzas.IqResult(iq, new Node("props", [("protocol", props.GetOptionalString("protocol") ?? "1"), ("hash", "simulator-1")])));
    }

    /// <summary><c>&lt;iq xmlns="blocklist" type="get"/&gt;</c> → <c>&lt;list/&gt;</c> (the simulator keeps no blocklist, so nobody is blocked).</summary>
    public static ValueTask<Node?> BlocklistAsync(ChatConnection connection, Node iq, CancellationToken cancellationToken)
    {
        RequireType(iq, "get");
        return Reply(ServerStanzas.IqResult(iq, new Node("list", null, Array.Empty<Node>())));
    }

    /// <summary>
    /// <c>&lt;iq xmlns="privacy" type="get"&gt;&lt;privacy/&gt;</c> → <c>&lt;privacy&gt;&lt;category name value/&gt;…</c>;
    /// a set of <c>&lt;privacy&gt;&lt;category name value/&gt;</c> is acknowledged (the simulator does not store settings),
    /// and so is a set of trusted-contact tokens (<see cref="AcceptTokens"/>).
    /// </summary>
    public static ValueTask<Node?> PrivacyAsync(ChatConnection connection, Node iq, CancellationToken cancellationToken)
    {
        if (iq.GetString("type") == "set" && iq.GetOptionalChild("tokens") is { } tokens)
        {
            return AcceptTokens(iq, tokens);
        }

        var privacy = IqRouter.RequireChild(iq, "privacy");
        if (iq.GetString("type") == "set")
        {
            foreach (var category in privacy.GetChildren("category"))
            {
                _ = category.GetString("name");
                _ = category.GetString("value");
            }

            return Reply(ServerStanzas.IqResult(iq));
        }

        RequireType(iq, "get");
        return Reply(ServerStanzas.IqResult(iq, new Node("privacy", null, [.. DefaultPrivacy.Select(p => new Node("category", [("name", p.Name), ("value", p.Value)]))])));
    }

    /// <summary>
    /// <c>&lt;iq xmlns="privacy" type="set"&gt;&lt;tokens&gt;&lt;token jid t type/&gt;…&lt;/tokens&gt;</c>, which Baileys sends after
    /// messaging a new contact (messages-send.js issuePrivacyTokens) → an empty result. Simulator choice: the tokens are
    /// checked (each needs a jid, a numeric t and a type; otherwise 400) but not stored, and the contact is not told;
    /// Baileys reads no <c>&lt;tokens&gt;</c> from the empty result and stores nothing (tc-token-utils.js).
    /// </summary>
    private static ValueTask<Node?> AcceptTokens(Node iq, Node tokens)
    {
        var listed = tokens.GetChildren("token").ToArray();
        if (listed.Length == 0)
        {
            throw new IqRequestException(IqErrorCode.BadRequest, "<tokens> holds no <token>.");
        }

        foreach (var token in listed)
        {
            if (token.GetOptionalJid("jid") is null
                || !long.TryParse(token.GetOptionalString("t"), NumberStyles.None, CultureInfo.InvariantCulture, out _)
                || string.IsNullOrEmpty(token.GetOptionalString("type")))
            {
                throw new IqRequestException(IqErrorCode.BadRequest, "A <token> needs a jid, a numeric t and a type.");
            }
        }

        return Reply(ServerStanzas.IqResult(iq));
    }

    /// <summary><c>&lt;iq xmlns="urn:xmpp:whatsapp:dirty" type="set"&gt;&lt;clean type timestamp/&gt;</c> → result.</summary>
    public static ValueTask<Node?> DirtyAsync(ChatConnection connection, Node iq, CancellationToken cancellationToken)
    {
        RequireType(iq, "set");
        foreach (var clean in iq.GetChildren("clean"))
        {
            _ = clean.GetString("type");
            if (clean.GetOptionalString("timestamp") is { } timestamp && !long.TryParse(timestamp, CultureInfo.InvariantCulture, out _))
            {
                throw new IqRequestException(IqErrorCode.BadRequest, "<clean timestamp> is not a number.");
            }
        }

        return Reply(ServerStanzas.IqResult(iq));
    }

    private static void RequireType(Node iq, string type)
    {
        if (iq.GetString("type") != type)
        {
            throw new IqRequestException(IqErrorCode.BadRequest, $"xmlns={iq.GetOptionalString("xmlns")} expects an iq {type}.");
        }
    }

    private static ValueTask<Node?> Reply(Node node) => ValueTask.FromResult<Node?>(node);
}

using Microsoft.Extensions.Logging;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Pairing;
using SessionCluster.Protocol.Stanzas;
using SessionCluster.Simulator.Accounts;
using SessionCluster.Simulator.Connections;

namespace SessionCluster.Simulator.Linking;

/// <summary>
/// Pairing by code on the wire (docs/PROTOCOL.md §6 "Pairing by phone-number code"), the companion's two iqs on its registering
/// connection, <c>&lt;iq xmlns="md" type="set"&gt;&lt;link_code_companion_reg stage=…&gt;</c>:
/// <list type="bullet">
/// <item><c>companion_hello</c> (jid = the account's PN, the code-wrapped companion ephemeral, the noise key): answered
/// with <c>&lt;link_code_companion_reg&gt;&lt;link_code_pairing_ref&gt;</c>; the pairing waits for the phone
/// (<see cref="LinkCodeLinking"/>, <c>POST /admin/accounts/{phone}/link-code</c>).</item>
/// <item><c>companion_finish</c> (wrapped key bundle, companion identity, ref): handed to the waiting admin call, which
/// answers it and runs pair-success.</item>
/// </list>
/// Everything else in <c>md</c> goes to <see cref="CompanionDevices"/>.
/// </summary>
internal sealed partial class LinkCodeRegistration(AccountDirectory accounts, LinkCodeRegistry registry, TimeProvider clock, ILogger<LinkCodeRegistration> logger)
{
    public const string Tag = "link_code_companion_reg";

    /// <summary>Whether <paramref name="iq"/> is a link-code iq of a registering connection (served before login).</summary>
    public static bool ServesBeforeLogin(ChatConnection connection, Node iq) =>
        connection.Registering is not null && iq.GetOptionalString("xmlns") == "md" && IqRouter.FirstChild(iq) == Tag;

    /// <summary>Whether an <c>md</c> iq is one of pairing by code (the rest of <c>md</c> is <see cref="CompanionDevices"/>).</summary>
    public static bool IsLinkCodeIq(Node iq) => IqRouter.FirstChild(iq) == Tag;

    /// <summary>
    /// An <c>&lt;ack&gt;</c> before login: a registering companion acks the phone's
    /// <c>&lt;notification type="link_code_companion_reg"&gt;</c> (Baileys does so after its companion_finish is answered);
    /// nothing else may be acked before login.
    /// </summary>
    /// <exception cref="MalformedStanzaException">Any other ack before login.</exception>
    public static ValueTask HandleAckBeforeLoginAsync(ChatConnection connection, Node ack)
    {
        if (connection.Registering is null || ack.GetOptionalString("class") != "notification" || ack.GetOptionalString("type") != Tag || string.IsNullOrEmpty(ack.GetOptionalString("id")))
        {
            throw new MalformedStanzaException("Before login only the link-code notification can be acked.");
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>A <c>link_code_companion_reg</c> iq: its hello is answered here, its finish handed to the waiting admin call.</summary>
    public ValueTask<Node?> HandleAsync(ChatConnection connection, Node iq, CancellationToken cancellationToken)
    {
        _ = cancellationToken;
        if (iq.GetString("type") != "set")
        {
            throw new IqRequestException(IqErrorCode.BadRequest, $"<{Tag}> comes in an iq of type set.");
        }

        if (connection.Registering is null)
        {
            throw new IqRequestException(IqErrorCode.BadRequest, "Pairing by code is for a registering companion, not a logged-in device.");
        }

        var reg = IqRouter.RequireChild(iq, Tag);
        return reg.GetOptionalString("stage") switch
        {
            "companion_hello" => ValueTask.FromResult<Node?>(Hello(connection, iq, reg)),
            "companion_finish" => ValueTask.FromResult(Finish(connection, iq, reg)),
            var stage => throw new IqRequestException(IqErrorCode.BadRequest, $"Unknown {Tag} stage '{stage}'."),
        };
    }

    private Node Hello(ChatConnection connection, Node iq, Node reg)
    {
        var jid = reg.GetJid("jid");
        if (!jid.IsPhoneNumber)
        {
            throw new IqRequestException(IqErrorCode.BadRequest, "companion_hello needs the account's phone-number jid.");
        }

        if (accounts.Find(jid.User) is null)
        {
            // uncertain: the real server's answer for a number without WhatsApp is not in docs/PROTOCOL.md.
            throw new IqRequestException(IqErrorCode.ItemNotFound, $"No account for {jid.User}.");
        }

        var wrapped = IqRouter.RequireBytes(IqRouter.RequireChild(reg, "link_code_pairing_wrapped_companion_ephemeral_pub"), PairingCode.WrappedKeyLength);
        var noise = IqRouter.RequireBytes(IqRouter.RequireChild(reg, "companion_server_auth_key_pub"), 32);
        if (!noise.Span.SequenceEqual(connection.NoiseKey.Span))
        {
            throw new IqRequestException(IqErrorCode.BadRequest, "companion_server_auth_key_pub is not this connection's noise key.");
        }

        var pending = new PendingLinkCode(jid.User, connection, wrapped.ToArray(), clock.GetUtcNow());
        registry.Add(pending);
        LogHello(logger, connection.Id, jid.User);
        return ServerStanzas.IqResult(iq, new Node(Tag, null, [new Node("link_code_pairing_ref", null, pending.Ref)]));
    }

    private Node? Finish(ChatConnection connection, Node iq, Node reg)
    {
        var reference = IqRouter.RequireChild(reg, "link_code_pairing_ref");
        if (reference.ContentKind != NodeContentKind.Bytes)
        {
            throw new IqRequestException(IqErrorCode.BadRequest, "<link_code_pairing_ref> must hold the ref.");
        }

        var pending = registry.FindByRef(reference.Bytes.Span);
        if (pending is null || pending.Connection != connection)
        {
            throw new IqRequestException(IqErrorCode.ItemNotFound, "No pairing by code with this ref on this connection.");
        }

        if (pending.Hello is null)
        {
            throw new IqRequestException(IqErrorCode.BadRequest, "companion_finish before the phone's hello.");
        }

        // The admin call waiting for the code entry answers this iq (result or error) and then sends pair-success.
        if (!pending.Finish.TrySetResult(iq))
        {
            throw new IqRequestException(IqErrorCode.BadRequest, "companion_finish was sent already.");
        }

        return null;
    }

    [LoggerMessage(EventId = 420, Level = LogLevel.Information, Message = "Connection {Id}: companion_hello for {Phone}; waiting for the code on the phone")]
    private static partial void LogHello(ILogger logger, long id, string phone);
}

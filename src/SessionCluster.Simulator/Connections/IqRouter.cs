using Microsoft.Extensions.Logging;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Stanzas;
using SessionCluster.Simulator.Linking;

namespace SessionCluster.Simulator.Connections;

/// <summary>
/// Iqs from the client. Answers (result/error) complete the server's own queries; requests (get/set) go to the
/// handler for their <c>xmlns</c>. A request the simulator does not implement gets
/// <c>&lt;iq type="error"&gt;&lt;error code="501" text="feature-not-implemented"/&gt;&lt;/iq&gt;</c>; a handler that refuses
/// a request throws <see cref="IqRequestException"/> and the client gets that error. Before login only keepalive
/// pings and pairing by code are served (anything else: 401 not-authorized). The handlers by <c>xmlns</c> are wired in
/// <see cref="SimulatorServer"/>.
/// </summary>
internal sealed partial class IqRouter(IReadOnlyDictionary<string, IqRouter.Handler> handlers, ILogger<IqRouter> logger)
{
    /// <summary>A request handler: returns the reply, or null when it has sent its reply itself.</summary>
    public delegate ValueTask<Node?> Handler(ChatConnection connection, Node iq, CancellationToken cancellationToken);

    public async ValueTask RouteAsync(ChatConnection connection, Node iq, CancellationToken cancellationToken)
    {
        var id = iq.GetOptionalString("id");
        var type = iq.GetOptionalString("type");
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(type))
        {
            throw new MalformedStanzaException("An iq needs an id and a type.");
        }

        switch (type)
        {
            case "result" or "error":
                if (!connection.CompleteQuery(id, iq))
                {
                    connection.ReportUnhandled("iq " + type + " answering no server query");
                }

                return;
            case "get" or "set":
                break;
            default:
                throw new MalformedStanzaException($"Iq type '{type}' is none of get, set, result, error.");
        }

        var xmlns = iq.GetOptionalString("xmlns") ?? "";
        if (connection.LoggedIn is null && xmlns != "w:p" && !LinkCodeRegistration.ServesBeforeLogin(connection, iq))
        {
            await connection.SendAsync(ServerStanzas.IqError(id, IqErrorCode.NotAuthorized), cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!handlers.TryGetValue(xmlns, out var handler))
        {
            connection.ReportUnhandled($"iq xmlns={xmlns} type={type} <{FirstChild(iq)}>");
            await connection.SendAsync(ServerStanzas.IqError(id, IqErrorCode.FeatureNotImplemented), cancellationToken).ConfigureAwait(false);
            return;
        }

        Node? reply;
        try
        {
            reply = await handler(connection, iq, cancellationToken).ConfigureAwait(false);
        }
        catch (IqRequestException e)
        {
            LogRefused(logger, connection.Id, xmlns, e.Error.Code, e.Message);
            reply = ServerStanzas.IqError(id, e.Error);
        }
        catch (NodeAttributeException e)
        {
            LogRefused(logger, connection.Id, xmlns, 400, e.Message);
            reply = ServerStanzas.IqError(id, IqErrorCode.BadRequest);
        }

        if (reply is not null)
        {
            await connection.SendAsync(reply, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The tag of the iq's first child, or "" (for logs and for handlers that switch on it).</summary>
    public static string FirstChild(Node iq) =>
        iq.ContentKind == NodeContentKind.Children && iq.Children.Count > 0 ? iq.Children[0].Tag : "";

    /// <summary>The iq's only child with <paramref name="tag"/>.</summary>
    /// <exception cref="IqRequestException">400 when it is missing.</exception>
    public static Node RequireChild(Node iq, string tag) =>
        iq.GetOptionalChild(tag) ?? throw new IqRequestException(IqErrorCode.BadRequest, $"<{tag}> is missing.");

    /// <summary>Raw bytes of <paramref name="node"/>, exactly <paramref name="length"/> long.</summary>
    /// <exception cref="IqRequestException">400 otherwise.</exception>
    public static ReadOnlyMemory<byte> RequireBytes(Node node, int length)
    {
        if (node.ContentKind != NodeContentKind.Bytes || node.Bytes.Length != length)
        {
            throw new IqRequestException(IqErrorCode.BadRequest, $"<{node.Tag}> must hold {length} bytes.");
        }

        return node.Bytes;
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Connection {Id}: iq xmlns={Xmlns} refused with {Code}: {Reason}")]
    private static partial void LogRefused(ILogger logger, long id, string xmlns, int code, string reason);
}

/// <summary>A request the server refuses with an iq error.</summary>
internal sealed class IqRequestException(IqErrorCode error, string message) : Exception(message)
{
    public IqErrorCode Error { get; } = error;
}

using Akka.Actor;
using Google.Protobuf;
using SessionCluster.Sessions.Connection;
using SessionCluster.Sessions.Flows;
using SessionCluster.Sessions.State;
using SessionCluster.Sessions.State.Proto;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Sessions;

/// <summary>
/// The session's outbound proxy: set at Create (<see cref="SessionOptions.Proxy"/>) or by <see cref="SetProxy"/>, stored
/// sealed (it may hold a password), opened at recovery like the registration, and handed to every connection the
/// session opens from then on. Logs and the status view show it without its password.
/// </summary>
public sealed partial class SessionActor
{
    // The session's proxy from Create or the last SetProxy; the source of truth (SessionOptions.Proxy is not kept current).
    private ProxySettings? _proxy;

    private void RecoverProxySet() => Recover<SessionProxySet>(set => RecoverProxy(set.SealedProxy));

    private void ReceiveProxy() => Command<SetProxy>(OnSetProxy);

    private void OnSetProxy(SetProxy command)
    {
        if (MissingOrDeleted() is { } answer)
        {
            Sender.Tell(answer);
            return;
        }

        var set = new SessionProxySet
        {
            SessionId = _id.Value,
            SetAtUnixMs = _dependencies.Clock.GetUtcNow().ToUnixTimeMilliseconds(),
            SealedProxy = SealProxy(command.Proxy),
        };
        var replyTo = Sender;
        Persist(set, _ =>
        {
            // The running connection keeps its route; the next one (a reconnect, a new link) takes this proxy.
            _proxy = command.Proxy;
            ProxyLog.ProxySet(_logger, _id.Value, command.Proxy?.ToString() ?? "none (direct)");
            replyTo.Tell(new ProxySet(_id, View()));
        });
    }

    private ByteString SealProxy(ProxySettings? proxy) => SealedProxy.Seal(_dependencies.Secrets, _id.Value, proxy);

    /// <summary>Opens a recovered sealed proxy; one that does not open makes the session inert, as a registration does.</summary>
    private void RecoverProxy(ByteString sealedProxy)
    {
        if (_secretsFailure is not null)
        {
            return;
        }

        try
        {
            _proxy = SealedProxy.Open(_dependencies.Secrets, _id.Value, sealedProxy);
        }
        catch (SecretsException e)
        {
            _proxy = null;
            _secretsFailure = e;
        }
    }
}

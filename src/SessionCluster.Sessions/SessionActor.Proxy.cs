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
///
/// It is sealed under the node key (not the session's data key: a logout wipes that, and the proxy outlives a logout).
/// Recovery opens only the last one stored, so older copies under a key the node no longer holds do not matter; when
/// that last one is under a previous node key (rotation), the session stores it again under the current key.
/// </summary>
public sealed partial class SessionActor
{
    // The session's proxy from Create or the last SetProxy; the source of truth (SessionOptions.Proxy is not kept current).
    private ProxySettings? _proxy;

    // At recovery: the last stored sealed proxy, opened once the log is read.
    private ByteString? _storedProxy;

    // The proxy as stored is under a previous node key; cleared once stored again (by ResealProxy or a SetProxy).
    private bool _proxyStale;

    private string StaleProxyItem => _id.PersistenceId + "/proxy";

    private void RecoverProxySet() => Recover<SessionProxySet>(set => _storedProxy = set.SealedProxy);

    private void ReceiveProxy()
    {
        Command<SetProxy>(OnSetProxy);
        Command<ResealProxy>(_ => OnResealProxy());
    }

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
            ProxyMoved();
            ProxyLog.ProxySet(_logger, _id.Value, command.Proxy?.ToString() ?? "none (direct)");
            replyTo.Tell(new ProxySet(_id, View()));
        });
    }

    private ByteString SealProxy(ProxySettings? proxy) => SealedProxy.Seal(_dependencies.Secrets, _id.Value, proxy);

    /// <summary>
    /// Opens the last recovered sealed proxy (a deleted session's is left shut); one that does not open makes the session
    /// inert, as a registration does.
    /// </summary>
    private void OpenStoredProxy()
    {
        if (_storedProxy is not { } sealedProxy || _status == SessionStatus.Deleted)
        {
            _storedProxy = null;
            return;
        }

        _storedProxy = null;
        try
        {
            _proxy = SealedProxy.Open(_dependencies.Secrets, _id.Value, sealedProxy);
            if (_dependencies.Secrets.NeedsReseal(sealedProxy.Span))
            {
                _proxyStale = true;
                _dependencies.StaleSeals.Found(StaleProxyItem);
            }
        }
        catch (SecretsException e)
        {
            _proxy = null;
            _secretsFailure ??= e;
        }
    }

    /// <summary>After recovery (a message to self: recovery handlers must not persist): the proxy stored again under the current key.</summary>
    private void OnResealProxy()
    {
        if (!_proxyStale || _status == SessionStatus.Deleted)
        {
            return;
        }

        var set = new SessionProxySet
        {
            SessionId = _id.Value,
            SetAtUnixMs = _dependencies.Clock.GetUtcNow().ToUnixTimeMilliseconds(),
            SealedProxy = SealProxy(_proxy),
        };
        Persist(set, _ =>
        {
            ProxyMoved();
            SessionStateLog.ProxyResealed(_logger, _id.Value, _dependencies.Secrets.CurrentKeyId);
        });
    }

    private void ProxyMoved()
    {
        if (_proxyStale)
        {
            _proxyStale = false;
            _dependencies.StaleSeals.Moved(StaleProxyItem);
        }
    }

    /// <summary>To itself after recovery, when the stored proxy is under a previous node key.</summary>
    private sealed record ResealProxy
    {
        public static ResealProxy Instance { get; } = new();
    }
}

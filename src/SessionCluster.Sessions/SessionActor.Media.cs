using Akka.Actor;
using SessionCluster.Sessions.Flows;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Sessions;

/// <summary>
/// Media upload rights (<see cref="RequestMediaConnection"/>): one media_conn answer is kept in memory until its ttl
/// (it is a short-lived credential, never persisted) and shared by every upload meanwhile, as whatsmeow and Baileys do.
/// </summary>
public sealed partial class SessionActor
{
    private MediaConnection? _mediaConnection;

    private void ReceiveMedia() => Command<RequestMediaConnection>(OnRequestMediaConnection);

    private void OnRequestMediaConnection(RequestMediaConnection request)
    {
        if (!_exists)
        {
            Sender.Tell(new NotFound(_id));
            return;
        }

        if (NotOnline() is { } notOnline)
        {
            var reason = notOnline.Reason switch
            {
                SendRefusal.Ended => MediaRefusal.Ended,
                SendRefusal.NotLinked => MediaRefusal.NotLinked,
                _ => MediaRefusal.NotConnected,
            };
            Sender.Tell(new MediaRefused(_id, reason, notOnline.Detail));
            return;
        }

        var now = _dependencies.Clock.GetUtcNow();
        if (!request.Refresh && _mediaConnection is { } cached && cached.ExpiresAt > now)
        {
            Sender.Tell(new MediaConnectionReady(_id, cached));
            return;
        }

        var replyTo = Sender;
        SendIq(MediaConnections.Query, outcome =>
        {
            if (outcome is not IqAnswered answered || !TryRead(() => MediaConnections.Read(answered.Result, _dependencies.Clock.GetUtcNow()), out var connection))
            {
                MessagingLog.IqFailed(_logger, _id.Value, "media_conn", outcome.ToString());
                replyTo.Tell(new MediaRefused(_id, MediaRefusal.Unanswered, "the server did not answer media_conn: " + outcome.GetType().Name));
                return;
            }

            _mediaConnection = connection;
            replyTo.Tell(new MediaConnectionReady(_id, connection));
        });
    }
}

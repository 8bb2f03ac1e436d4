using Akka.Actor;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Media;
using SessionCluster.Protocol.Wa.MmsRetry;
using SessionCluster.Sessions.Flows;
using static SessionCluster.Sessions.Connection.ConnectionProtocol;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Sessions;

/// <summary>
/// Media retry (<see cref="RequestMediaRetry"/>, docs/PROTOCOL.md §12 "Media retry"): the session sends the sealed
/// server-error receipt and keeps the asker until the sender's mediaretry notification for that message arrives or the
/// wait runs out. Waiters live in memory only: a retry is a short exchange a caller repeats after a restart, and the
/// media key never leaves this map or the journal's message event.
/// </summary>
public sealed partial class SessionActor
{
    private readonly Dictionary<string, List<MediaRetryWaiter>> _mediaRetries = new(StringComparer.Ordinal);

    private void ReceiveMediaRetry()
    {
        Command<RequestMediaRetry>(OnRequestMediaRetry);
        Command<MediaRetryExpired>(OnMediaRetryExpired);
    }

    private void OnRequestMediaRetry(RequestMediaRetry request)
    {
        if (!_exists)
        {
            Sender.Tell(new NotFound(_id));
            return;
        }

        if (NotOnline() is { } notOnline)
        {
            Sender.Tell(new MediaRetryRefused(_id, MediaRetryRefusal.NotConnected, notOnline.Detail));
            return;
        }

        if (request.MediaKey.Length != MediaKeys.MediaKeySize || string.IsNullOrEmpty(request.Target.MessageId) || request.Wait <= TimeSpan.Zero)
        {
            Sender.Tell(new MediaRetryRefused(_id, MediaRetryRefusal.BadRequest, $"a media retry needs a {MediaKeys.MediaKeySize}-byte media key, a message id and a positive wait"));
            return;
        }

        var id = request.Target.MessageId;
        var waiter = new MediaRetryWaiter(Sender, request.MediaKey.ToArray(), Guid.NewGuid());
        if (!_mediaRetries.TryGetValue(id, out var waiters))
        {
            _mediaRetries[id] = waiters = [];
        }

        waiters.Add(waiter);
        Timers.StartSingleTimer(waiter.Token, new MediaRetryExpired(id, waiter.Token), request.Wait);
        var sealedRequest = MediaRetryCipher.EncryptRequest(waiter.MediaKey, id);
        _connection?.Tell(new SendNode(MediaRetryStanzas.Request(new Jid(OwnUser, JidServer.WhatsApp).ToString(), request.Target, sealedRequest)));
        MediaRetryLog.Requested(_logger, _id.Value, id);
    }

    private void OnMediaRetryExpired(MediaRetryExpired expired)
    {
        if (_mediaRetries.TryGetValue(expired.MessageId, out var waiters) && waiters.FindIndex(w => w.Token == expired.Token) is var at and >= 0)
        {
            var waiter = waiters[at];
            waiters.RemoveAt(at);
            if (waiters.Count == 0)
            {
                _mediaRetries.Remove(expired.MessageId);
            }

            MediaRetryLog.Answered(_logger, _id.Value, expired.MessageId, "no answer in time");
            waiter.ReplyTo.Tell(new MediaRetryRefused(_id, MediaRetryRefusal.TimedOut, "the sender did not answer the media retry in time"));
        }
    }

    /// <summary>
    /// The sender's answer: every asker of that message gets the new path or the refusal. An answer nobody waits for
    /// (late, or after a restart) is only acked; the caller acks the notification in every case.
    /// </summary>
    private void OnMediaRetryNotification(Node node)
    {
        MediaRetryAnswer answer;
        try
        {
            answer = MediaRetryStanzas.ReadAnswer(node);
        }
        catch (MediaRetryException e)
        {
            MediaRetryLog.Unusable(_logger, _id.Value, e.Message);
            return;
        }

        var id = answer.Target.MessageId;
        if (!_mediaRetries.Remove(id, out var waiters))
        {
            MediaRetryLog.Unusable(_logger, _id.Value, $"nobody waits for a media retry of {id} (any more)");
            return;
        }

        string? outcome = null;
        foreach (var waiter in waiters)
        {
            Timers.Cancel(waiter.Token);
            var reply = Outcome(answer, waiter.MediaKey);
            outcome ??= reply is MediaRetryRefused refused ? $"refused, {refused.Reason}: {refused.Detail}" : "uploaded again";
            waiter.ReplyTo.Tell(reply);
        }

        MediaRetryLog.Answered(_logger, _id.Value, id, outcome ?? "nobody waited");
    }

    /// <summary>What the answer means for a waiter with that key: the new path, or why there is none.</summary>
    private Reply Outcome(MediaRetryAnswer answer, byte[] mediaKey)
    {
        if (answer.ErrorCode is { } code)
        {
            return new MediaRetryRefused(_id, code == (int)MediaRetryNotification.Types.ResultType.NotFound ? MediaRetryRefusal.SenderNotFound : MediaRetryRefusal.SenderFailed,
                $"the sender's side answered error code {code}");
        }

        MediaRetryNotification opened;
        try
        {
            opened = MediaRetryCipher.DecryptNotification(mediaKey, answer.Target.MessageId, answer.Sealed!);
        }
        catch (MediaRetryException e)
        {
            return new MediaRetryRefused(_id, MediaRetryRefusal.BadAnswer, e.Message);
        }

        return opened.Result switch
        {
            MediaRetryNotification.Types.ResultType.Success when opened.DirectPath.StartsWith('/') => new MediaRetried(_id, opened.DirectPath),
            MediaRetryNotification.Types.ResultType.Success => new MediaRetryRefused(_id, MediaRetryRefusal.BadAnswer, "the answer names no direct path"),
            MediaRetryNotification.Types.ResultType.NotFound => new MediaRetryRefused(_id, MediaRetryRefusal.SenderNotFound, "the sender no longer has the file"),
            var other => new MediaRetryRefused(_id, MediaRetryRefusal.SenderFailed, $"the sender could not upload it again ({other})"),
        };
    }

    /// <summary>One asker of a media retry: who to answer, the file's key, and its timer's key.</summary>
    private sealed record MediaRetryWaiter(IActorRef ReplyTo, byte[] MediaKey, Guid Token);

    /// <summary>A waiter's time is up.</summary>
    private sealed record MediaRetryExpired(string MessageId, Guid Token);
}

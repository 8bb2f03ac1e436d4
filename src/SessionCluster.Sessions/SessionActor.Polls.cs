using Akka.Actor;
using Google.Protobuf;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Polls;
using SessionCluster.Protocol.Wa.Common;
using SessionCluster.Protocol.Wa.E2E;
using SessionCluster.Sessions.Polls;
using SessionCluster.Sessions.State.Proto;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Sessions;

/// <summary>
/// Polls (docs/PROTOCOL.md §9 "Locations, contacts and polls", "A vote"): the session remembers each poll it sent or
/// received with its secret and options (<see cref="PollIndex"/>, rebuilt on recovery from the OutboundAccepted and
/// MessageReceived entries of the journal), reads each vote that arrives into a <see cref="PollVoteReceivedBody"/> in
/// place of its MessageReceived (an unreadable one too, saying why, and logged), and seals its own votes
/// (<see cref="VotePoll"/>), which then go out as any send.
/// </summary>
public sealed partial class SessionActor
{
    private readonly PollIndex _polls = new();

    private void ReceivePolls() => Command<VotePoll>(OnVotePoll);

    /// <summary>A received poll (ours from another device, or anyone's) joins the index, live and on recovery.</summary>
    private void ApplyPollEvent(SessionEventRecord record)
    {
        if (record.BodyCase != SessionEventRecord.BodyOneofCase.MessageReceived)
        {
            return;
        }

        var received = record.MessageReceived;
        var message = Message.Parser.ParseFrom(received.Message);
        if (KnownPoll.Of(received.MessageId, received.Chat, received.FromMe ? null : received.Sender,
                received.FromMe ? null : MessageReceivedBody.NullIfEmpty(received.SenderAlt), message) is { } poll)
        {
            _polls.Remember(poll);
        }
    }

    /// <summary>Our own poll joins the index once its send is durable (and again on recovery, from the same entry).</summary>
    private void RememberSentPoll(string messageId, Jid to, Message content)
    {
        if (KnownPoll.Of(messageId, to.ToString(), creator: null, creatorAlt: null, content) is { } poll)
        {
            _polls.Remember(poll);
        }
    }

    /// <summary>The event a received message is stored as: a vote is read into its own event; anything else is <paramref name="received"/>.</summary>
    private SessionEventBody VoteOr(MessageReceivedBody received)
    {
        var vote = received.Message.PollUpdateMessage ?? received.Message.EphemeralMessage?.Message?.PollUpdateMessage;
        if (vote is null)
        {
            return received;
        }

        var pollId = vote.PollCreationMessageKey?.ID ?? "";
        var poll = _polls.Find(pollId);
        var reading = PollVoteReading.Read(poll, vote, CreatorForms(poll), received.FromMe ? OwnForms() : Forms(received.Sender, received.SenderAlt));
        if (!reading.Decrypted)
        {
            PollsLog.VoteUnreadable(_logger, _id.Value, received.MessageId, received.SenderDevice, pollId, reading.Failure!);
        }

        return new PollVoteReceivedBody(
            received.MessageId, received.Chat, received.ChatAlt, received.Sender, received.SenderAlt, received.SenderDevice, received.Timestamp,
            received.FromMe, received.Offline, received.PushName, pollId, reading.Decrypted, reading.Selected, reading.Unknown, reading.Failure);
    }

    private void OnVotePoll(VotePoll vote)
    {
        if (!_exists)
        {
            Sender.Tell(new NotFound(_id));
            return;
        }

        if (StateRefusal() is { } refused)
        {
            Sender.Tell(refused);
            return;
        }

        if (vote.IdempotencyKey is { } idempotencyKey && _idempotency.Find(idempotencyKey, _dependencies.Clock.GetUtcNow()) is { } first)
        {
            // Answered before the poll is looked up: a repeated vote is the first one even once its poll is forgotten.
            Sender.Tell(new SendAccepted(_id, first));
            return;
        }

        if (_polls.Find(vote.PollMessageId) is not { } poll)
        {
            Sender.Tell(new SendRefused(_id, SendRefusal.UnknownPoll, $"this session sent or received no poll '{vote.PollMessageId}' it can still vote on"));
            return;
        }

        if (VoteRefusal(poll, vote.Options) is { } refusal)
        {
            Sender.Tell(new SendRefused(_id, SendRefusal.UnknownPollOption, refusal));
            return;
        }

        var voter = VoterFor(poll);
        var context = new PollVoteContext(poll.MessageId, poll.Creator ?? voter, voter);
        var key = new MessageKey { RemoteJID = poll.Chat, FromMe = poll.Creator is null, ID = poll.MessageId };
        if (poll.Creator is { } creator && poll.Chat.EndsWith("@" + JidServer.Group, StringComparison.Ordinal))
        {
            key.Participant = creator;
        }

        var message = new Message
        {
            PollUpdateMessage = new PollUpdateMessage
            {
                PollCreationMessageKey = key,
                Vote = PollVotes.Encrypt(poll.Secret.Span, context, vote.Options),
                SenderTimestampMs = _dependencies.Clock.GetUtcNow().ToUnixTimeMilliseconds(),
            },
        };
        OnSend(new Send(_id, poll.Chat, message, vote.IdempotencyKey));
    }

    private static string? VoteRefusal(KnownPoll poll, IReadOnlyList<string> options)
    {
        if (options.FirstOrDefault(o => !poll.Options.Contains(o, StringComparer.Ordinal)) is { } unknown)
        {
            return $"poll '{poll.MessageId}' has no option \"{unknown}\" (its options: {string.Join(", ", poll.Options.Select(o => $"\"{o}\""))})";
        }

        if (options.Distinct(StringComparer.Ordinal).Count() != options.Count)
        {
            return "each option may be chosen once";
        }

        return poll.SelectableCount > 0 && options.Count > poll.SelectableCount
            ? $"poll '{poll.MessageId}' lets a voter choose at most {poll.SelectableCount} option(s), not {options.Count}"
            : null;
    }

    /// <summary>
    /// The jid our vote names us by: our LID when the poll's creator (for our own poll, its chat) is known by a LID,
    /// else our phone number, as whatsmeow's EncryptPollVote chooses; the creator is named in the same form.
    /// </summary>
    private string VoterFor(KnownPoll poll) =>
        (poll.Creator ?? poll.Chat).EndsWith("@" + JidServer.Lid, StringComparison.Ordinal) && OwnLidUser is { } lid
            ? new Jid(lid, JidServer.Lid).ToString()
            : new Jid(OwnUser, JidServer.WhatsApp).ToString();

    /// <summary>The forms the poll's creator may be named by: ours when we made it, else as it came and its other form.</summary>
    private IReadOnlyList<string> CreatorForms(KnownPoll? poll) =>
        poll is null ? [] : poll.Creator is null ? OwnForms() : Forms(poll.Creator, poll.CreatorAlt);

    private IReadOnlyList<string> OwnForms() =>
        OwnLidUser is { } lid ? [new Jid(OwnUser, JidServer.WhatsApp).ToString(), new Jid(lid, JidServer.Lid).ToString()] : [new Jid(OwnUser, JidServer.WhatsApp).ToString()];

    private IReadOnlyList<string> Forms(string jid, string? alternate)
    {
        var other = alternate ?? (Jid.TryParse(jid, out var parsed) ? _lids.Alternate(parsed)?.ToString() : null);
        return other is null ? [jid] : [jid, other];
    }

    private string? OwnLidUser => _registration?.Lid is { } lid ? Jid.Parse(lid).User : null;
}

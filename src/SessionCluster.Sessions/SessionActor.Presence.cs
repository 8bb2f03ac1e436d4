using Akka.Actor;
using SessionCluster.Protocol.Binary;
using SessionCluster.Sessions.Flows;
using static SessionCluster.Sessions.Connection.ConnectionProtocol;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Sessions;

/// <summary>
/// Presence (<see cref="SendPresence"/>, and the <see cref="SessionSettings.MarkOnline"/> presence at login): ephemeral
/// stanzas sent only while connected, never queued or stored (<see cref="Flows.Presence"/> builds them).
/// </summary>
public sealed partial class SessionActor
{
    private void ReceivePresence()
    {
        Command<SendPresence>(OnSendPresence);
        Command<SubscribePresence>(OnSubscribePresence);
    }

    private void OnSubscribePresence(SubscribePresence command)
    {
        if (!_exists)
        {
            Sender.Tell(new NotFound(_id));
            return;
        }

        if (NotOnline() is { } notOnline)
        {
            Sender.Tell(new SendRefused(_id, notOnline.Reason, notOnline.Detail));
            return;
        }

        if (!Jid.TryParse(command.Jid, out var user) || !(user.IsPhoneNumber || user.IsLid) || user.Device != 0)
        {
            Sender.Tell(new SendRefused(_id, SendRefusal.BadRecipient, $"\"{command.Jid}\" is not a user jid (number@s.whatsapp.net or id@lid)"));
            return;
        }

        _connection!.Tell(new SendNode(Presence.Subscribe(user)));
        Sender.Tell(new PresenceSent(_id, PresenceState.Available));
    }

    /// <summary>A contact's presence or chat state: an event (durable; the stanzas themselves are never acked).</summary>
    private void OnInboundPresence(Node node)
    {
        SessionEventBody? body = node.Tag == "chatstate" ? Presence.ReadChatState(node) : Presence.ReadPresence(node);
        if (body is not null)
        {
            PersistEvents([body], () => { });
        }
    }

    private void OnSendPresence(SendPresence command)
    {
        if (!_exists)
        {
            Sender.Tell(new NotFound(_id));
            return;
        }

        if (NotOnline() is { } notOnline)
        {
            Sender.Tell(new SendRefused(_id, notOnline.Reason, notOnline.Detail));
            return;
        }

        Node stanza;
        if (Presence.IsChatState(command.State))
        {
            if (command.Chat is null || !Jid.TryParse(command.Chat, out var chat) || !(chat.IsPhoneNumber || chat.IsLid || chat.IsGroup) || chat.Device != 0)
            {
                Sender.Tell(new SendRefused(_id, SendRefusal.BadRecipient, $"{command.State} needs a chat: a user jid (number@s.whatsapp.net, id@lid) or a group jid (id@g.us)"));
                return;
            }

            stanza = Presence.ChatState(chat, command.State);
        }
        else if (command.Chat is not null)
        {
            Sender.Tell(new SendRefused(_id, SendRefusal.BadRecipient, $"{command.State} is the account's presence and takes no chat"));
            return;
        }
        else
        {
            stanza = Presence.Account(command.State, _registration!.PushName);
        }

        _connection!.Tell(new SendNode(stanza));
        CapabilitiesLog.PresenceSent(_logger, _id.Value, command.State);
        Sender.Tell(new PresenceSent(_id, command.State));
    }

    /// <summary>The account's presence on the live connection (at login when marking online, or when the setting changes).</summary>
    private void SendOnline(PresenceState state) =>
        _connection?.Tell(new SendNode(Presence.Account(state, _registration?.PushName)));

    /// <summary>Why a command that needs the live connection cannot run now (ended, not linked, not connected), or null.</summary>
    private (SendRefusal Reason, string Detail)? NotOnline() =>
        _status is SessionStatus.Deleted or SessionStatus.LoggedOut ? (SendRefusal.Ended, "the session is " + _status)
        : _registration?.DeviceJid is null ? (SendRefusal.NotLinked, "the session is not linked to a phone")
        : _phase != LinkPhase.Online || _connection is null ? (SendRefusal.NotConnected, "the session is not connected")
        : null;
}

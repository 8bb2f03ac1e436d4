using Akka.Actor;
using Google.Protobuf;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Messages;
using SessionCluster.Protocol.Wa.E2E;
using SessionCluster.Sessions.Flows;
using SessionCluster.Sessions.Ratchets;
using SessionCluster.Sessions.State;
using static SessionCluster.Sessions.Connection.ConnectionProtocol;

namespace SessionCluster.Sessions;

/// <summary>
/// Sending to a group (docs/PROTOCOL.md §9 "Group stanza"; whatsmeow send.go sendGroup, Baileys relayMessage): the
/// members from the group's metadata (kept <see cref="GroupMembersFor"/>, dropped when a membership notification
/// comes), their devices from usync (the same cache as 1:1 sends), one skmsg with our sender key (the group's
/// sender-key actor makes it and keeps it durable before answering), and our key's distribution (SKDM) encrypted
/// pairwise only for the devices that do not hold it yet — whom it reached is recorded once the server acks the
/// stanza. When a member leaves or is removed (by us or by another admin) the next send starts a new key, so a former
/// member cannot read what follows: the sender-key actor sees a device that holds the key outside the devices it is
/// given (<see cref="GroupProtocol.EncryptOwn"/>), which a restart cannot lose. The rest (queue, ack, status, durable-before-wire) is the 1:1 send's.
/// </summary>
public sealed partial class SessionActor
{
    /// <summary>How long a group's member list is used before it is asked again (notifications drop it sooner).</summary>
    private static readonly TimeSpan GroupMembersFor = TimeSpan.FromMinutes(5);

    private readonly Dictionary<Jid, (IReadOnlyList<Jid> Members, DateTimeOffset Until)> _groupMembers = [];

    private void ReceiveGroupSend()
    {
        Command<GroupProtocol.OwnEncrypted>(OnOwnEncrypted);
        Command<GroupProtocol.OwnShare>(OnOwnShare);
    }

    private void StartGroupSend(SendWork work)
    {
        var group = work.Entry.To;
        var now = _dependencies.Clock.GetUtcNow();
        if (_groupMembers.TryGetValue(group, out var cached) && cached.Until > now)
        {
            GroupDevices(work, cached.Members);
            return;
        }

        SendIq(id => GroupQueries.Query(id, group), outcome =>
        {
            if (!ReferenceEquals(_sending, work))
            {
                return;
            }

            if (outcome is IqRefused refused)
            {
                // Not a member (any more), or no such group: the send cannot go.
                Settle(work, MessageDelivery.Failed, $"the group could not be read: {refused.Error.Code} {refused.Error.Text}");
                return;
            }

            if (outcome is not IqAnswered answered || !TryRead(() => GroupQueries.ReadGroup(answered.Result), out var info))
            {
                MessagingLog.IqFailed(_logger, _id.Value, "group metadata", outcome.ToString());
                _sending = null;
                return;
            }

            var members = info.Members.Select(m => Jid.Parse(m.Jid)).ToList();
            _groupMembers[group] = (members, _dependencies.Clock.GetUtcNow() + GroupMembersFor);
            GroupDevices(work, members);
        });
    }

    private void GroupDevices(SendWork work, IReadOnlyList<Jid> members) => WithDevices(work, members, devices => GroupEncrypt(work, members, devices));

    /// <summary>Every member device but this one, and the skmsg for them all from the group's sender-key actor.</summary>
    private void GroupEncrypt(SendWork work, IReadOnlyList<Jid> members, DeviceListSnapshot memberDevices)
    {
        var ownDevice = OwnDeviceNumber;
        var devices = members
            .SelectMany(memberDevices.Of)
            .Select(d => _lids.Canonical(d))
            .Where(d => !(IsOwnAccount(d) && d.Device == ownDevice))
            .Distinct()
            .ToList();
        work.GroupDevices = devices;
        Groups.Request(work.Entry.To).Tell(new GroupProtocol.EncryptOwn(work.Entry.MessageId, MessagePadding.Pad(work.Entry.Content.ToByteArray()), devices, Broadcast: IsStatus(work.Entry.To)));
    }

    /// <summary>The skmsg is durable in the group's actor: the SKDM goes pairwise to the devices that lack our key, then the stanza.</summary>
    private void OnOwnEncrypted(GroupProtocol.OwnEncrypted encrypted)
    {
        Groups.Answered(encrypted.Group);
        if (_sending is not { } work || work.Entry.MessageId != encrypted.MessageId || work.Skmsg is not null)
        {
            return;
        }

        work.Skmsg = encrypted.Skmsg;
        work.SenderKeyId = encrypted.KeyId;
        var distribution = MessagePadding.Pad(new Message
        {
            SenderKeyDistributionMessage = new SenderKeyDistributionMessage
            {
                GroupID = encrypted.Group.ToString(),
                AxolotlSenderKeyDistributionMessage = ByteString.CopyFrom(encrypted.Distribution),
            },
        }.ToByteArray());
        foreach (var device in encrypted.NeedDistribution)
        {
            work.Plaintexts[device] = distribution;
            work.Pending.Add(device);
            Ratchets.Request(device).Tell(new RatchetProtocol.Encrypt(work.Entry.MessageId, distribution, Identity));
        }

        ContinueSend(work);
    }

    /// <summary>The group stanza of a send whose skmsg and distributions are ready.</summary>
    private Node GroupStanza(SendWork work) =>
        GroupStanzas.Message(work.Entry.MessageId, work.Entry.To, StanzaKind.Of(work.Entry.Content), work.Done.Select(d => (d.Key, d.Value)).ToList(), work.Skmsg!, _registration!.AdvSignedIdentity);

    /// <summary>The server took the group stanza: the devices whose SKDM was in it now hold our key.</summary>
    private void RecordSenderKeyShared(SendWork work)
    {
        if (work.Skmsg is null || work.Done.Count == 0)
        {
            return;
        }

        // Not answered: balance the request at once. Should the actor stop before it stores this, those devices get the SKDM again next time.
        Groups.Request(work.Entry.To).Tell(new GroupProtocol.MarkShared(work.SenderKeyId, [.. work.Done.Keys]));
        Groups.Answered(work.Entry.To);
    }

    /// <summary>
    /// A <c>w:gp2</c> notification: the group's members or roles changed, so its member list is read again at the next
    /// send (where a member who left or was removed makes the sender-key actor start a new key).
    /// </summary>
    /// <remarks>The change is a durable <see cref="GroupChangedBody"/> event before the notification is acked.</remarks>
    private void OnGroupNotification(Node node)
    {
        var connection = _connection;
        if (GroupNotificationReader.Read(node) is not { } change)
        {
            connection?.Tell(new SendNode(Receipts.Ack(node)));
            return;
        }

        MembersChanged(Jid.Parse(change.Group));
        PersistEvents([change], () => connection?.Tell(new SendNode(Receipts.Ack(node))));
    }

    /// <summary>The group's member list is read again at the next send.</summary>
    private void MembersChanged(Jid group) => _groupMembers.Remove(group);
}

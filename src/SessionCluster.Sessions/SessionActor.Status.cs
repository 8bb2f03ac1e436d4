using Akka.Actor;
using SessionCluster.Protocol.Binary;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Sessions;

/// <summary>
/// Posting a status (docs/PROTOCOL.md §9 "Status"; Baileys relayMessage with <c>statusJidList</c>, whatsmeow sendGroup to
/// status@broadcast): a sender-key send like a group's, under the group id <c>status@broadcast</c>, whose members are the
/// audience the caller names plus our own account (its other devices see what we posted). It takes the send queue
/// (durable accept, ack, statuses) with the audience kept in the accepted send. Unlike a group, the server has no member
/// list: it delivers to exactly the devices in <c>&lt;participants&gt;</c>, so every audience device gets the SKDM in every
/// post (as Baileys and whatsmeow do), and a device that held our status key but is no longer in the audience makes the
/// post start a new key (as a removal from a group does), so it cannot read later ones.
/// </summary>
public sealed partial class SessionActor
{
    private static readonly Jid StatusJid = Jid.Parse(StatusChat);

    private static bool IsStatus(Jid chat) => chat.Equals(StatusJid);

    private void ReceiveStatus() => Command<PostStatus>(OnPostStatus);

    private void OnPostStatus(PostStatus post)
    {
        if (!_exists)
        {
            Sender.Tell(new NotFound(_id));
            return;
        }

        if ((StateRefusal() ?? AudienceRefusal(post.Audience) ?? ContentRefusal(post.Content)) is { } refusal)
        {
            Sender.Tell(refusal);
            return;
        }

        if (post.IdempotencyKey is { } key && _idempotency.Find(key, _dependencies.Clock.GetUtcNow()) is { } existing)
        {
            Sender.Tell(new SendAccepted(_id, existing));
            return;
        }

        var audience = post.Audience.Select(a => Jid.Parse(a).ToNonAd()).Distinct().ToList();
        AcceptSend(StatusJid, post.Content, post.IdempotencyKey, audience);
    }

    private SendRefused? AudienceRefusal(IReadOnlyList<string> audience)
    {
        if (audience.Count is 0 or > MaxStatusAudience)
        {
            return new SendRefused(_id, SendRefusal.BadRecipient, $"a status needs an audience of 1 to {MaxStatusAudience} users");
        }

        return audience.FirstOrDefault(a => !Jid.TryParse(a, out var user) || !(user.IsPhoneNumber || user.IsLid) || user.Device != 0 || user.Agent != 0) is { } bad
            ? new SendRefused(_id, SendRefusal.BadRecipient, $"\"{bad}\" in the audience is not a user jid (number@s.whatsapp.net, id@lid)")
            : null;
    }

    /// <summary>The devices of the audience and of our own account, then the sender-key encryption as for a group.</summary>
    private void StartStatusSend(SendWork work) => GroupDevices(work, [.. work.Entry.Audience, new Jid(OwnUser, JidServer.WhatsApp)]);
}

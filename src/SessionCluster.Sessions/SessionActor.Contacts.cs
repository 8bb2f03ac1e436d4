using Akka.Actor;
using SessionCluster.Protocol.Binary;
using SessionCluster.Sessions.Flows;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Sessions;

/// <summary>
/// The contact check (<see cref="CheckContacts"/>): the numbers are validated, asked in one usync query on the live
/// connection, and answered in the caller's order; the PN ↔ LID pairs the server gave are stored before the answer
/// (as usync's device answers are: the next send to such a number finds its LID).
/// </summary>
public sealed partial class SessionActor
{
    private void ReceiveContacts()
    {
        Command<CheckContacts>(OnCheckContacts);
        Command<GetProfilePicture>(OnGetProfilePicture);
    }

    /// <summary>One <c>w:profile:picture</c> query; the server's 404 (none) and 401 (hidden) are "no picture", not failures.</summary>
    private void OnGetProfilePicture(GetProfilePicture command)
    {
        if (!_exists)
        {
            Sender.Tell(new NotFound(_id));
            return;
        }

        if (!Jid.TryParse(command.Jid, out var target) || !(target.IsPhoneNumber || target.IsLid || target.IsGroup) || target.Device != 0)
        {
            Sender.Tell(new ContactsRefused(_id, ContactsRefusal.BadPhones, $"\"{command.Jid}\" is not a user or group jid"));
            return;
        }

        if (NotOnline() is { } notOnline)
        {
            Sender.Tell(new ContactsRefused(_id, notOnline.Reason switch
            {
                SendRefusal.Ended => ContactsRefusal.Ended,
                SendRefusal.NotLinked => ContactsRefusal.NotLinked,
                _ => ContactsRefusal.NotConnected,
            }, notOnline.Detail));
            return;
        }

        var replyTo = Sender;
        SendIq(id => Contacts.PictureQuery(id, target, command.Preview), outcome => replyTo.Tell(outcome switch
        {
            IqAnswered answered when TryRead(() => Contacts.ReadPicture(answered.Result), out var picture) => new ProfilePictureReady(_id, picture.Url, picture.Id),
            IqRefused { Error.Code: 404 or 401 } => new ProfilePictureReady(_id, null, null),
            _ => new ContactsRefused(_id, ContactsRefusal.Unanswered, "the server did not answer the picture query: " + outcome.GetType().Name),
        }));
    }

    private void OnCheckContacts(CheckContacts command)
    {
        if (!_exists)
        {
            Sender.Tell(new NotFound(_id));
            return;
        }

        var phones = command.Phones ?? [];
        if (phones.Count is 0 or > CheckContacts.MaxPhones)
        {
            Sender.Tell(new ContactsRefused(_id, ContactsRefusal.BadPhones, $"1 to {CheckContacts.MaxPhones} numbers per check, not {phones.Count}"));
            return;
        }

        var digits = new string[phones.Count];
        for (var i = 0; i < phones.Count; i++)
        {
            if (CodePairing.NormalizePhoneNumber(phones[i]) is not { } normalized)
            {
                Sender.Tell(new ContactsRefused(_id, ContactsRefusal.BadPhones, $"number {i + 1} is not 7 to 15 digits in international form"));
                return;
            }

            digits[i] = normalized;
        }

        if (NotOnline() is { } notOnline)
        {
            var reason = notOnline.Reason switch
            {
                SendRefusal.Ended => ContactsRefusal.Ended,
                SendRefusal.NotLinked => ContactsRefusal.NotLinked,
                _ => ContactsRefusal.NotConnected,
            };
            Sender.Tell(new ContactsRefused(_id, reason, notOnline.Detail));
            return;
        }

        var replyTo = Sender;
        SendIq(id => Contacts.Query(id, digits.Distinct(StringComparer.Ordinal)), outcome =>
        {
            if (outcome is not IqAnswered answered || !TryRead(() => Contacts.Read(answered.Result), out var answers))
            {
                MessagingLog.IqFailed(_logger, _id.Value, "contact check", outcome.ToString());
                replyTo.Tell(new ContactsRefused(_id, ContactsRefusal.Unanswered, "the server did not answer the check: " + outcome.GetType().Name));
                return;
            }

            var byDigits = new Dictionary<string, ContactAnswer>(StringComparer.Ordinal);
            foreach (var answer in answers)
            {
                byDigits.TryAdd(answer.Digits, answer);
            }

            var checks = new ContactCheck[phones.Count];
            for (var i = 0; i < phones.Count; i++)
            {
                checks[i] = byDigits.TryGetValue(digits[i], out var answer) && answer.OnWhatsApp
                    ? new ContactCheck(phones[i], answer.Jid.ToString(), answer.Lid?.ToString(), OnWhatsApp: true)
                    : new ContactCheck(phones[i], null, null, OnWhatsApp: false);
            }

            var pairs = answers.Where(a => a is { OnWhatsApp: true, Jid: not null, Lid: not null }).Select(a => (a.Jid!.Value, a.Lid!.Value));
            LearnLids(pairs, () =>
            {
                CapabilitiesLog.ContactsChecked(_logger, _id.Value, checks.Length, checks.Count(c => c.OnWhatsApp));
                replyTo.Tell(new ContactsChecked(_id, checks));
            });
        });
    }
}

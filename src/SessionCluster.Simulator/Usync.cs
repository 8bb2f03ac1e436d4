using System.Globalization;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Stanzas;
using SessionCluster.Simulator.Accounts;
using SessionCluster.Simulator.Connections;

namespace SessionCluster.Simulator;

/// <summary>
/// <c>&lt;iq xmlns="usync" type="get"&gt;&lt;usync sid mode context&gt;&lt;query&gt;protocols&lt;/query&gt;&lt;list&gt;&lt;user jid|&lt;contact&gt;/&gt;…&lt;/list&gt;&lt;/usync&gt;&lt;/iq&gt;</c>
/// (docs/PROTOCOL.md §8, Baileys WAUSync): each user gets the requested protocols it is known for — <c>devices</c>, <c>lid</c>,
/// <c>contact</c> (<c>type="in"</c> when the number has an account, <c>"out"</c> otherwise; a user asked by
/// <c>&lt;contact&gt;+DIGITS&lt;/contact&gt;</c> gets that query echoed as the contact's content, which whatsmeow's
/// IsOnWhatsApp reads back as the number asked), <c>status</c> (empty),
/// <c>disappearing_mode</c> (off); protocols the simulator has nothing for are left out of the user, and a JID with no
/// account gets an empty <c>&lt;user jid/&gt;</c> (so a sender finds no devices for it).
/// </summary>
internal sealed class Usync(AccountDirectory accounts, DeviceLists deviceLists, SimulatorStats stats)
{
    public ValueTask<Node?> HandleAsync(ChatConnection connection, Node iq, CancellationToken cancellationToken)
    {
        var usync = IqRouter.RequireChild(iq, "usync");
        var protocols = IqRouter.RequireChild(usync, "query").Children.Select(p => p.Tag).ToArray();
        var users = IqRouter.RequireChild(usync, "list").GetChildren("user").ToArray();
        stats.UsyncQuery();
        var answers = new List<Node>(users.Length);
        foreach (var user in users)
        {
            var jid = user.GetOptionalJid("jid");
            var contact = user.GetOptionalChild("contact");
            string? asked = null;
            Account? account;
            if (jid is { } known)
            {
                account = accounts.Find(known);
            }
            else if (contact is { ContentKind: NodeContentKind.Text or NodeContentKind.Bytes })
            {
                asked = contact.Text ?? System.Text.Encoding.UTF8.GetString(contact.Bytes.Span);
                var phone = new string(asked.Where(char.IsAsciiDigit).ToArray());
                account = accounts.Find(phone);
                jid = new Jid(phone, JidServer.WhatsApp);
            }
            else
            {
                throw new IqRequestException(IqErrorCode.BadRequest, "A usync <user> needs a jid or a <contact>.");
            }

            var children = new List<Node>();
            foreach (var protocol in protocols)
            {
                if (protocol == "contact")
                {
                    var type = account is null ? "out" : "in";
                    children.Add(asked is null ? new Node("contact", [("type", type)]) : new Node("contact", [("type", type)], asked));
                }
                else if (account is null)
                {
                    continue;
                }
                else if (protocol == "devices")
                {
                    children.Add(deviceLists.DevicesNode(account));
                }
                else if (protocol == "lid")
                {
                    children.Add(new Node("lid", [("val", account.Lid.ToString())]));
                }
                else if (protocol == "status")
                {
                    children.Add(new Node("status", [("t", account.CreatedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture))]));
                }
                else if (protocol == "disappearing_mode")
                {
                    children.Add(new Node("disappearing_mode", [("duration", "0"), ("t", "0")]));
                }
            }

            answers.Add(children.Count == 0
                ? new Node("user", [("jid", jid.Value.ToString())])
                : new Node("user", [("jid", jid.Value.ToString())], children));
        }

        List<NodeAttribute> attributes = [];
        foreach (var key in new[] { "sid", "mode", "context", "index", "last" })
        {
            if (usync.GetOptionalString(key) is { } value)
            {
                attributes.Add((key, value));
            }
        }

        return ValueTask.FromResult<Node?>(ServerStanzas.IqResult(iq, new Node("usync", attributes, [new Node("list", null, answers)])));
    }
}

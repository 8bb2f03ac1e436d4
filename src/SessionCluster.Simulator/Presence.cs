using System.Collections.Concurrent;
using System.Globalization;
using SessionCluster.Protocol.Binary;
using SessionCluster.Simulator.Accounts;
using SessionCluster.Simulator.Connections;
using SessionCluster.Simulator.Phone;

namespace SessionCluster.Simulator;

/// <summary>
/// Presence and chatstate (docs/PROTOCOL.md §13, Baileys chats.js sendPresenceUpdate / presenceSubscribe):
/// <c>&lt;presence type="available|unavailable" [name]/&gt;</c> sets the account's presence and is passed to every
/// connection that subscribed with <c>&lt;presence type="subscribe" to=USER/&gt;</c> as
/// <c>&lt;presence from=USER type [last]/&gt;</c> (a subscriber gets the current presence at once);
/// <c>&lt;chatstate to=USER&gt;&lt;composing|paused/&gt;&lt;/chatstate&gt;</c> goes to that account's connected companions as
/// <c>&lt;chatstate from=SENDER_USER&gt;…&lt;/chatstate&gt;</c>, and to that account's phone (<paramref name="toPhone"/>:
/// the phone's inbox lists it, <c>GET /admin/accounts/{phone}/chatstates</c>). Both are ephemeral: never queued, nothing
/// answers the sender. An account's current presence is <see cref="Current"/> (<c>GET /admin/accounts/{phone}/presence</c>);
/// its phone goes online or offline with <see cref="SetAsync"/> (<c>POST /admin/accounts/{phone}/presence</c>).
/// </summary>
/// <param name="toPhone">Hands a chatstate to the recipient account's phone.</param>
internal sealed class Presence(AccountDirectory accounts, ConnectionRegistry connections, TimeProvider clock, Action<Account, PhoneChatstate> toPhone)
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<long, ChatConnection>> _subscribers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string Type, long Last)> _current = new(StringComparer.Ordinal);

    public async ValueTask HandleAsync(ChatConnection connection, Node node, CancellationToken cancellationToken)
    {
        if (connection.LoggedIn is not { } device)
        {
            // A registering companion has no account to speak for; the real server ignores it too (uncertain).
            return;
        }

        if (node.Tag == "chatstate")
        {
            await ChatstateAsync(device.Account, node, cancellationToken).ConfigureAwait(false);
            return;
        }

        var type = node.GetOptionalString("type") ?? "available";
        switch (type)
        {
            case "subscribe":
                var target = node.GetOptionalJid("to") is { } to ? accounts.Find(to) : null;
                if (target is null)
                {
                    return;
                }

                _subscribers.GetOrAdd(target.Phone, _ => new()).TryAdd(connection.Id, connection);
                var (current, last) = _current.GetValueOrDefault(target.Phone, ("unavailable", 0));
                await connection.SendAsync(PresenceNode(target, current, last), cancellationToken).ConfigureAwait(false);
                return;
            case "available" or "unavailable":
                await SetAsync(device.Account, type, connection, cancellationToken).ConfigureAwait(false);
                return;
            default:
                connection.ReportUnhandled("presence type=" + type);
                return;
        }
    }

    /// <summary>The account's presence as its phone or companions last set it (<c>unavailable</c>, last 0, when never).</summary>
    public (string Type, long Last) Current(Account account) => _current.GetValueOrDefault(account.Phone, ("unavailable", 0));

    /// <summary>
    /// Sets the account's presence (<c>available</c> or <c>unavailable</c>) and tells every subscriber but
    /// <paramref name="sender"/>: a companion's <c>&lt;presence&gt;</c>, or the phone's (<c>POST /admin/accounts/{phone}/presence</c>,
    /// <paramref name="sender"/> null).
    /// </summary>
    public async ValueTask SetAsync(Account account, string type, ChatConnection? sender, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        _current[account.Phone] = (type, now);
        if (!_subscribers.TryGetValue(account.Phone, out var subscribers))
        {
            return;
        }

        foreach (var (id, subscriber) in subscribers)
        {
            if (subscriber.IsClosed)
            {
                subscribers.TryRemove(id, out _);
            }
            else if (subscriber != sender)
            {
                await subscriber.SendAsync(PresenceNode(account, type, now), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async ValueTask ChatstateAsync(Account sender, Node chatstate, CancellationToken cancellationToken)
    {
        if (chatstate.GetOptionalJid("to") is not { } to || accounts.Find(to) is not { } recipient
            || chatstate.ContentKind != NodeContentKind.Children || chatstate.Children.Count == 0)
        {
            return;
        }

        var from = to.IsLid ? sender.Lid : sender.Jid;
        var state = chatstate.Children[0];
        toPhone(recipient, new PhoneChatstate(from.ToString(), state.Tag, state.GetOptionalString("media"), clock.GetUtcNow()));
        var forwarded = new Node("chatstate", [("from", from.ToString())], chatstate.Children);
        foreach (var companion in recipient.Devices)
        {
            if (connections.FindDevice(recipient.DeviceJid(companion.DeviceId).ToString()) is { IsClosed: false } connection)
            {
                await connection.SendAsync(forwarded, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static Node PresenceNode(Account account, string type, long last) =>
        type == "unavailable" && last > 0
            ? new Node("presence", [("from", account.Jid.ToString()), ("type", type), ("last", last.ToString(CultureInfo.InvariantCulture))])
            : new Node("presence", [("from", account.Jid.ToString()), ("type", type)]);
}

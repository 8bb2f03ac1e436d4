using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using SessionCluster.Protocol.Binary;
using SessionCluster.Simulator.Accounts;
using SessionCluster.Simulator.Connections;
using SessionCluster.Simulator.Relay;

namespace SessionCluster.Simulator;

/// <summary>
/// Calls, as far as a companion sees them (whatsmeow call.go; the media itself is out of scope): a phone places a call
/// (<c>POST /admin/accounts/{phone}/calls</c>) and each companion of the callee gets
/// <c>&lt;call from=CALLER id t&gt;&lt;offer call-id call-creator=CALLER&gt;&lt;audio enc="opus" rate/&gt;…&lt;/offer&gt;&lt;/call&gt;</c>
/// through its queue (so it is acked like any stanza, <c>&lt;ack class="call"&gt;</c>); a companion's
/// <c>&lt;call to=CALLER&gt;&lt;reject call-id call-creator count/&gt;&lt;/call&gt;</c> is recorded on the call
/// (<c>GET /admin/accounts/{phone}/calls</c>). Nothing answers the reject (whatsmeow sends it without waiting; uncertain
/// what the real server sends back).
/// </summary>
internal sealed class Calls(DeviceQueues queues, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, PlacedCall> _calls = new(StringComparer.Ordinal);
    private long _placed;

    /// <summary>The phone of <paramref name="caller"/> calls <paramref name="callee"/>: an offer to each of its companions.</summary>
    public async ValueTask<CallView> OfferAsync(Account caller, Account callee, CancellationToken cancellationToken)
    {
        var callId = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var offer = new Node(
            "call",
            [("from", caller.Jid.ToString()), ("id", Convert.ToHexString(RandomNumberGenerator.GetBytes(8))), ("t", clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture))],
            [
                new Node("offer", [("call-id", callId), ("call-creator", caller.Jid.ToString())],
                [
                    new Node("audio", [("enc", "opus"), ("rate", "16000")]),
                    new Node("audio", [("enc", "opus"), ("rate", "8000")]),
                ]),
            ]);
        var devices = callee.Devices.Select(d => d.DeviceId).ToList();
        var call = new PlacedCall(Interlocked.Increment(ref _placed), callId, caller.Phone, callee.Phone, devices.Count);
        _calls[callId] = call;
        foreach (var device in devices)
        {
            await queues.EnqueueAsync(callee, device, offer, cancellationToken).ConfigureAwait(false);
        }

        return call.View();
    }

    /// <summary>A <c>&lt;call&gt;</c> from a logged-in companion: a reject is recorded on its call; anything else is reported unhandled.</summary>
    public void Handle(ChatConnection connection, Node call)
    {
        if (connection.LoggedIn is not { } device)
        {
            throw new MalformedStanzaException("Only a logged-in device sends <call>.");
        }

        var child = call.ContentKind == NodeContentKind.Children && call.Children.Count == 1 ? call.Children[0] : null;
        if (child is not { Tag: "reject" } reject || reject.GetOptionalString("call-id") is not { } callId)
        {
            connection.ReportUnhandled("<call><" + (child?.Tag ?? "") + ">");
            return;
        }

        if (!_calls.TryGetValue(callId, out var placed) || placed.Callee != device.Account.Phone)
        {
            connection.ReportUnhandled("<call><reject> of an unknown call");
            return;
        }

        placed.Rejected(device.DeviceJid.ToString());
    }

    /// <summary>The calls <paramref name="caller"/>'s phone placed, oldest first.</summary>
    public IReadOnlyList<CallView> PlacedBy(Account caller) =>
        [.. _calls.Values.Where(c => c.Caller == caller.Phone).OrderBy(c => c.Order).Select(c => c.View())];

    private sealed class PlacedCall(long order, string callId, string caller, string callee, int devices)
    {
        private readonly Lock _lock = new();
        private readonly List<string> _rejectedBy = [];

        public long Order { get; } = order;

        public string Caller { get; } = caller;

        public string Callee { get; } = callee;

        public void Rejected(string deviceJid)
        {
            lock (_lock)
            {
                _rejectedBy.Add(deviceJid);
            }
        }

        public CallView View()
        {
            lock (_lock)
            {
                return new CallView(callId, Caller, Callee, devices, [.. _rejectedBy]);
            }
        }
    }
}

/// <summary>A call a phone placed: to whom, how many companions were offered it, and which devices rejected it.</summary>
public sealed record CallView(string CallId, string From, string To, int Devices, IReadOnlyList<string> RejectedBy);

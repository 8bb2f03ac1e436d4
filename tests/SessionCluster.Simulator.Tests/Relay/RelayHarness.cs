using System.Collections.Concurrent;
using SessionCluster.Protocol.Binary;
using SessionCluster.Simulator.Accounts;
using SessionCluster.Simulator.Relay;
using SessionCluster.Simulator.Tests.Support;

namespace SessionCluster.Simulator.Tests.Relay;

/// <summary>A linked companion of one account, and how to bring it online (login, passive active).</summary>
internal sealed record Companion(string Phone, int DeviceId, TestDevice Device)
{
    public string Jid => Phone + ":" + DeviceId.ToString(System.Globalization.CultureInfo.InvariantCulture) + "@s.whatsapp.net";

    /// <summary>Logs in and turns active; returns the connection and the <c>&lt;ib&gt;&lt;offline count&gt;</c> value.</summary>
    public async Task<(TestConnection Connection, int OfflineCount, IReadOnlyList<Node> Delivered)> OnlineAsync(SimulatorHost host)
    {
        var (connection, _) = await TestLinking.LoginAsync(host, Phone, DeviceId, Device);
        var id = connection.NextId();
        await connection.SendAsync(new Node("iq", [("id", id), ("xmlns", "passive"), ("type", "set"), ("to", "s.whatsapp.net")], [new Node("active")]));
        var result = await connection.ReceiveAsync();
        Assert.Equal(id, result.GetString("id"));
        var delivered = new List<Node>();
        while (true)
        {
            var next = await connection.ReceiveAsync();
            if (next.Tag == "ib")
            {
                return (connection, next.GetChild("offline").GetInt("count"), delivered);
            }

            delivered.Add(next);
        }
    }
}

/// <summary>Two accounts, A and B, each with one linked companion; device 0 of both is a recording fake phone.</summary>
internal sealed class RelayHarness : IAsyncDisposable
{
    private RelayHarness(SimulatorHost host, Companion a, Companion b, RecordingPhones phones)
    {
        Host = host;
        A = a;
        B = b;
        Phones = phones;
    }

    public SimulatorHost Host { get; }

    public Companion A { get; }

    public Companion B { get; }

    public RecordingPhones Phones { get; }

    public Account AccountOf(Companion companion) => Host.Server.Accounts.Find(companion.Phone)!;

    /// <summary>The companion's LID device JID, as LID-addressed stanzas name it.</summary>
    public string LidOf(Companion companion) => AccountOf(companion).DeviceLid(companion.DeviceId).ToString();

    /// <summary>The LID user JID of the companion's account.</summary>
    public string LidUserOf(Companion companion) => AccountOf(companion).Lid.ToString();

    /// <summary>Every attribute of <paramref name="node"/> but the ones named (times), as key=value strings in wire order.</summary>
    public static string[] AttributesOf(Node node, params string[] except) =>
        [.. node.Attributes.Where(a => !except.Contains(a.Key)).Select(a => a.Key + "=" + a.Value)];

    public static async Task<RelayHarness> StartAsync()
    {
        var host = await TestSimulator.StartAsync();
        var phones = new RecordingPhones();
        host.Server.PrimaryDevices = phones;
        var a = await NewCompanionAsync(host, "15550001111");
        var b = await NewCompanionAsync(host, "15550002222");
        return new RelayHarness(host, a, b, phones);
    }

    public static async Task<Companion> NewCompanionAsync(SimulatorHost host, string phone)
    {
        if (host.Server.Accounts.Find(phone) is null)
        {
            await TestSimulator.CreateAccountAsync(host, phone);
        }

        var device = new TestDevice();
        return new Companion(phone, await TestLinking.LinkAsync(host, phone, device), device);
    }

    /// <summary>A 1:1 message from a device to the given devices, each with an opaque <c>&lt;enc type="msg"&gt;</c>.</summary>
    public static Node Message(string id, string to, params string[] devices) => new(
        "message",
        [("id", id), ("to", to), ("type", "text")],
        [new Node("participants", null, [.. devices.Select(d => new Node("to", [("jid", d)], [new Node("enc", [("v", "2"), ("type", "msg")], System.Text.Encoding.UTF8.GetBytes("ct:" + id + ":" + d))]))])]);

    /// <summary>Sends a keepalive and asserts its answer is the very next stanza (nothing else was pending).</summary>
    public static async Task AssertNothingPendingAsync(TestConnection connection)
    {
        var id = connection.NextId();
        await connection.SendAsync(new Node("iq", [("id", id), ("xmlns", "w:p"), ("type", "get"), ("to", "s.whatsapp.net")], [new Node("ping")]));
        var next = await connection.ReceiveAsync();
        Assert.Equal(("iq", id), (next.Tag, next.GetOptionalString("id")));
    }

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}

/// <summary>Device 0 of every account: records what the relay delivers; hands out a fixed bundle.</summary>
internal sealed class RecordingPhones : IPrimaryDevices
{
    public ConcurrentQueue<(string Phone, Node Stanza)> Delivered { get; } = new();

    public ValueTask DeliverAsync(Account account, Node stanza, CancellationToken cancellationToken)
    {
        Delivered.Enqueue((account.Phone, stanza));
        return ValueTask.CompletedTask;
    }

    public Node TakeBundle(Account account, Jid deviceJid) =>
        new("user", [("jid", deviceJid.ToString())], [new Node("registration", null, new byte[] { 0, 0, 0, 7 })]);

    public async Task<Node> WaitForAsync(Func<(string Phone, Node Stanza), bool> match)
    {
        var deadline = DateTime.UtcNow + TestConnection.DefaultTimeout;
        while (DateTime.UtcNow < deadline)
        {
            foreach (var item in Delivered)
            {
                if (match(item))
                {
                    return item.Stanza;
                }
            }

            await Task.Delay(20);
        }

        Assert.Fail("The phone did not receive the expected stanza.");
        return null!;
    }
}

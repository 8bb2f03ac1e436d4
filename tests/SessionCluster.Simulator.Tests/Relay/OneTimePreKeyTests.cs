using SessionCluster.Protocol.Binary;
using SessionCluster.Simulator.Tests.Support;

namespace SessionCluster.Simulator.Tests.Relay;

/// <summary>
/// Issue 10, point 2: the simulator hands out each one-time prekey at most once, ever — under concurrent bundle
/// fetches from many connections, for companions and for the phone (device 0), across a re-upload of the same ids and
/// across a restart from <c>--data</c>.
/// </summary>
public sealed class OneTimePreKeyTests : IDisposable
{
    private const int Fetchers = 10;
    private const int FetchesPerFetcher = 10;
    private const string OwnerPhone = "15550005555";
    private const string FetcherPhone = "15550006666";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "sim-prekeys-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task A_hundred_concurrent_bundle_fetches_for_one_companion_get_distinct_one_time_prekeys_and_none_once_they_run_out()
    {
        await using var harness = await RelayHarness.StartAsync();
        var (owner, _, _) = await harness.B.OnlineAsync(harness.Host);
        await using (owner)
        {
            await owner.SendAsync(harness.B.Device.PreKeyUpload("up", 60));
            await owner.ReceiveUntilAsync(n => n.GetOptionalString("id") == "up");

            var bundles = await FetchConcurrentlyAsync(harness.Host, harness.A.Phone, harness.B.Jid);

            Assert.Equal(Fetchers * FetchesPerFetcher, bundles.Count);
            Assert.All(bundles, b => Assert.Equal(harness.B.Device.SignedPreKey.KeyPair.PublicKey.ToArray(), b.GetChild("skey").GetChild("value").Bytes.ToArray()));
            var served = bundles.Select(OneTimeId).OfType<uint>().ToList();
            Assert.Equal(60, served.Count);
            Assert.Equal(Enumerable.Range(1, 60).Select(i => (uint)i), served.Order());
            Assert.Equal(40, bundles.Count(b => b.GetOptionalChild("key") is null));

            // One drop below 5, one notification, however the fetches interleaved.
            var low = await owner.ReceiveUntilAsync(n => n.Tag == "notification");
            Assert.Equal("encrypt", low.GetString("type"));
            await owner.SendAsync(new Node("ack", [("id", low.GetString("id")), ("class", "notification"), ("type", "encrypt"), ("to", "s.whatsapp.net")]));
            await RelayHarness.AssertNothingPendingAsync(owner);
            var count = await owner.QueryAsync("encrypt", "get", new Node("count"));
            Assert.Equal("0", count.GetChild("count").GetString("value"));
        }
    }

    [Fact]
    public async Task A_hundred_concurrent_bundle_fetches_for_the_phone_get_a_hundred_distinct_one_time_prekeys()
    {
        await using var host = await TestSimulator.StartAsync();
        var phone = await TestSimulator.CreateAccountAsync(host, "15550003333");
        await TestSimulator.CreateAccountAsync(host, "15550004444");

        var bundles = await FetchConcurrentlyAsync(host, "15550004444", phone + "@s.whatsapp.net");

        var served = bundles.Select(OneTimeId).ToList();
        Assert.Equal(Fetchers * FetchesPerFetcher, served.Count);
        Assert.All(served, id => Assert.NotNull(id));
        Assert.Equal(served.Count, served.Distinct().Count());
    }

    [Fact]
    public async Task A_consumed_one_time_prekey_is_not_served_again_after_a_restart_from_the_data_folder()
    {
        var companion = await FetchAcrossRestartAsync(reUploadAfterRestart: false);
        Assert.Equal([1u, 2u, 3u, 4u, 5u, 6u, 7u, 8u, 9u, 10u, null, null], companion);
    }

    [Fact]
    public async Task A_consumed_one_time_prekey_is_not_served_again_after_a_restart_and_a_re_upload_of_its_id()
    {
        // The same ids 1..10 again after the restart, as a client retrying its upload would send them: 1..4 stay consumed.
        var companion = await FetchAcrossRestartAsync(reUploadAfterRestart: true);
        Assert.Equal([1u, 2u, 3u, 4u, 5u, 6u, 7u, 8u, 9u, 10u, null, null], companion);
    }

    [Fact]
    public async Task The_phone_does_not_serve_a_one_time_prekey_id_again_after_a_restart_from_the_data_folder()
    {
        var options = new SimulatorOptions { DataFolder = _folder };
        var served = new List<uint?>();
        await using (var first = await TestSimulator.StartAsync(options))
        {
            await TestSimulator.CreateAccountAsync(first, OwnerPhone);
            await TestSimulator.CreateAccountAsync(first, FetcherPhone);
            served.AddRange((await FetchConcurrentlyAsync(first, FetcherPhone, OwnerPhone + "@s.whatsapp.net")).Select(OneTimeId));
        }

        await using (var second = await TestSimulator.StartAsync(options))
        {
            served.AddRange((await FetchConcurrentlyAsync(second, FetcherPhone, OwnerPhone + "@s.whatsapp.net")).Select(OneTimeId));
        }

        Assert.Equal(2 * Fetchers * FetchesPerFetcher, served.Count);
        Assert.All(served, id => Assert.NotNull(id));
        Assert.Equal(served.Count, served.Distinct().Count());
    }

    [Fact]
    public async Task A_consumed_one_time_prekey_is_not_served_again_after_a_re_upload_of_its_id_without_a_restart()
    {
        await using var harness = await RelayHarness.StartAsync();
        var (owner, _, _) = await harness.B.OnlineAsync(harness.Host);
        var (fetcher, _, _) = await harness.A.OnlineAsync(harness.Host);
        await using (owner)
        await using (fetcher)
        {
            await owner.SendAsync(harness.B.Device.PreKeyUpload("up1", 3));
            await owner.ReceiveUntilAsync(n => n.GetOptionalString("id") == "up1");
            Assert.Equal(1u, OneTimeId(await FetchAsync(fetcher, harness.B.Jid)));

            await owner.SendAsync(harness.B.Device.PreKeyUpload("up2", 3));
            Assert.Equal("result", (await owner.ReceiveUntilAsync(n => n.GetOptionalString("id") == "up2")).GetString("type"));
            var count = await owner.QueryAsync("encrypt", "get", new Node("count"));
            Assert.Equal("2", count.GetChild("count").GetString("value"));
            Assert.Equal([2u, 3u, null], [OneTimeId(await FetchAsync(fetcher, harness.B.Jid)), OneTimeId(await FetchAsync(fetcher, harness.B.Jid)), OneTimeId(await FetchAsync(fetcher, harness.B.Jid))]);
        }
    }

    /// <summary>
    /// The owner uploads ids 1..10; 4 bundles are fetched; the simulator restarts from the data folder (the owner
    /// uploads 1..10 again if asked); 8 more are fetched. Returns the 12 one-time ids served, in order.
    /// </summary>
    private async Task<List<uint?>> FetchAcrossRestartAsync(bool reUploadAfterRestart)
    {
        var options = new SimulatorOptions { DataFolder = _folder };
        var owner = new TestDevice();
        var fetcher = new TestDevice();
        int ownerDevice;
        int fetcherDevice;
        var served = new List<uint?>();
        await using (var first = await TestSimulator.StartAsync(options))
        {
            await TestSimulator.CreateAccountAsync(first, OwnerPhone);
            await TestSimulator.CreateAccountAsync(first, FetcherPhone);
            ownerDevice = await TestLinking.LinkAsync(first, OwnerPhone, owner);
            fetcherDevice = await TestLinking.LinkAsync(first, FetcherPhone, fetcher);
            await UploadAsync(first, OwnerPhone, ownerDevice, owner, 10);
            var (connection, _) = await TestLinking.LoginAsync(first, FetcherPhone, fetcherDevice, fetcher);
            await using (connection)
            {
                for (var i = 0; i < 4; i++)
                {
                    served.Add(OneTimeId(await FetchAsync(connection, Jid(OwnerPhone, ownerDevice))));
                }
            }
        }

        await using var second = await TestSimulator.StartAsync(options);
        if (reUploadAfterRestart)
        {
            await UploadAsync(second, OwnerPhone, ownerDevice, owner, 10);
        }

        var (again, _) = await TestLinking.LoginAsync(second, FetcherPhone, fetcherDevice, fetcher);
        await using (again)
        {
            for (var i = 0; i < 8; i++)
            {
                served.Add(OneTimeId(await FetchAsync(again, Jid(OwnerPhone, ownerDevice))));
            }
        }

        return served;
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    /// <summary>
    /// Links <see cref="Fetchers"/> companions to <paramref name="fetcherPhone"/>, logs them all in, then has each send
    /// <see cref="FetchesPerFetcher"/> bundle fetches for <paramref name="target"/> at once (iqs of one connection are
    /// served in order, so the concurrency is between connections); returns every bundle served.
    /// </summary>
    private static async Task<List<Node>> FetchConcurrentlyAsync(SimulatorHost host, string fetcherPhone, string target)
    {
        var connections = new List<TestConnection>();
        try
        {
            for (var i = 0; i < Fetchers; i++)
            {
                var companion = await RelayHarness.NewCompanionAsync(host, fetcherPhone);
                connections.Add((await TestLinking.LoginAsync(host, companion.Phone, companion.DeviceId, companion.Device)).Connection);
            }

            using var start = new SemaphoreSlim(0);
            var fetches = connections.Select(c => Task.Run(async () =>
            {
                await start.WaitAsync();
                var ids = new HashSet<string>(StringComparer.Ordinal);
                for (var i = 0; i < FetchesPerFetcher; i++)
                {
                    var id = c.NextId();
                    ids.Add(id);
                    await c.SendAsync(new Node("iq", [("id", id), ("xmlns", "encrypt"), ("type", "get"), ("to", "s.whatsapp.net")], [KeyFetch(target)]));
                }

                var bundles = new List<Node>();
                while (ids.Count > 0)
                {
                    var answer = await c.ReceiveUntilAsync(n => n.Tag == "iq" && ids.Contains(n.GetOptionalString("id") ?? ""));
                    ids.Remove(answer.GetString("id"));
                    Assert.Equal("result", answer.GetString("type"));
                    bundles.Add(answer.GetChild("list").GetChild("user"));
                }

                return bundles;
            })).ToList();
            start.Release(Fetchers);
            return [.. (await Task.WhenAll(fetches)).SelectMany(b => b)];
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }

    private static async Task UploadAsync(SimulatorHost host, string phone, int deviceId, TestDevice device, int count)
    {
        var (connection, _) = await TestLinking.LoginAsync(host, phone, deviceId, device);
        await using (connection)
        {
            await connection.SendAsync(device.PreKeyUpload("up", count));
            Assert.Equal("result", (await connection.ReceiveUntilAsync(n => n.GetOptionalString("id") == "up")).GetString("type"));
        }
    }

    private static async Task<Node> FetchAsync(TestConnection connection, string jid) =>
        (await connection.QueryAsync("encrypt", "get", KeyFetch(jid))).GetChild("list").GetChild("user");

    private static Node KeyFetch(string jid) => new("key", null, [new Node("user", [("jid", jid)])]);

    private static string Jid(string phone, int device) =>
        phone + ":" + device.ToString(System.Globalization.CultureInfo.InvariantCulture) + "@s.whatsapp.net";

    /// <summary>The bundle's one-time prekey id, or null when it has no <c>&lt;key&gt;</c>.</summary>
    private static uint? OneTimeId(Node user)
    {
        if (user.GetOptionalChild("key") is not { } key)
        {
            return null;
        }

        var bytes = key.GetChild("id").Bytes.Span;
        return (uint)(bytes[0] << 16 | bytes[1] << 8 | bytes[2]);
    }
}

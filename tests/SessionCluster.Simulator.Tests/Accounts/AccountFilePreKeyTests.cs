using System.Text.Json.Nodes;
using SessionCluster.Protocol.Pairing;
using SessionCluster.Simulator.Accounts;

namespace SessionCluster.Simulator.Tests.Accounts;

/// <summary><c>accounts.json</c> keeps which one-time prekey ids were handed out, and still reads files written before it did.</summary>
public sealed class AccountFilePreKeyTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "sim-accounts-" + Guid.NewGuid().ToString("N") + ".json");

    [Fact]
    public async Task Consumed_prekey_ids_and_the_phones_next_prekey_id_survive_a_save_and_load()
    {
        var (account, device) = NewAccount();
        device.PreKeys.Add(Enumerable.Range(1, 10).Select(i => ((uint)i, (ReadOnlyMemory<byte>)new byte[32])));
        device.PreKeys.MarkConsumed([1u, 2u, 3u, 7u]);
        account.ReservePhonePreKeyIds(50);

        await new AccountFile(_path).SaveAsync([account], CancellationToken.None);
        var loaded = Assert.Single(new AccountFile(_path).Load());

        var preKeys = loaded.FindDevice(device.DeviceId)!.PreKeys;
        Assert.Equal([1u, 2u, 3u, 7u], preKeys.ConsumedIds());
        Assert.Equal([4u, 5u, 6u, 8u, 9u, 10u], preKeys.Snapshot().Select(k => k.Id));
        Assert.Equal(51u, loaded.NextPhonePreKeyId);
    }

    [Fact]
    public async Task A_file_written_before_consumed_ids_were_kept_still_loads_with_none_consumed()
    {
        var (account, device) = NewAccount();
        device.PreKeys.Add([(5u, (ReadOnlyMemory<byte>)new byte[32])]);
        await new AccountFile(_path).SaveAsync([account], CancellationToken.None);
        var json = JsonNode.Parse(await File.ReadAllTextAsync(_path))!;
        var stored = json["accounts"]![0]!.AsObject();
        stored.Remove("nextPhonePreKeyId");
        stored["devices"]![0]!.AsObject().Remove("consumedPreKeys");
        await File.WriteAllTextAsync(_path, json.ToJsonString());

        var loaded = Assert.Single(new AccountFile(_path).Load());

        Assert.Empty(loaded.FindDevice(device.DeviceId)!.PreKeys.ConsumedIds());
        Assert.Equal([5u], loaded.FindDevice(device.DeviceId)!.PreKeys.Snapshot().Select(k => k.Id));
        Assert.Equal(1u, loaded.NextPhonePreKeyId);
    }

    public void Dispose() => File.Delete(_path);

    private static (Account Account, CompanionDevice Device) NewAccount()
    {
        var account = new Account("15550007777", "100000000000077", AccountIdentity.Generate(), 7, DateTimeOffset.UnixEpoch);
        var device = new CompanionDevice(1, 1, new byte[32], new byte[32], 9, new SignedPreKey(1, new byte[32], new byte[64]), "test", DateTimeOffset.UnixEpoch);
        account.AddDevice(device);
        return (account, device);
    }
}

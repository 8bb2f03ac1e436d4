using SessionCluster.Protocol.Binary;
using SessionCluster.Sessions.State;

namespace SessionCluster.Sessions.Tests.State;

/// <summary>
/// A send decides its devices once: a cached list read into the snapshot stays in it after the cache entry expires while
/// the other users are asked (the soak's 4 texts of 21,000 that reached only one side), and the usync answer completes it.
/// </summary>
public sealed class DeviceListSnapshotTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
    private static readonly Jid Bob = Jid.Parse("15550002222@s.whatsapp.net");
    private static readonly Jid Own = Jid.Parse("15550001111@s.whatsapp.net");
    private static readonly IReadOnlyList<Jid> BobsDevices = [Jid.Parse("15550002222@s.whatsapp.net"), Jid.Parse("15550002222:3@s.whatsapp.net")];
    private static readonly IReadOnlyList<Jid> OwnDevices = [Jid.Parse("15550001111@s.whatsapp.net"), Jid.Parse("15550001111:1@s.whatsapp.net")];

    [Fact]
    public void A_list_read_into_the_snapshot_stays_for_its_send_when_the_cache_entry_expires_while_the_others_are_asked()
    {
        var cache = new DeviceListCache(TimeSpan.FromMinutes(5));
        cache.Store(Bob, BobsDevices, T0);
        var justBeforeExpiry = T0 + TimeSpan.FromMinutes(5) - TimeSpan.FromMilliseconds(1);

        var snapshot = cache.Snapshot([Bob, Own], justBeforeExpiry);
        Assert.Equal([Own], snapshot.Missing);

        // The usync answer for our own user comes back after Bob's entry expired.
        var answeredAt = justBeforeExpiry + TimeSpan.FromMilliseconds(20);
        cache.Store(Own, OwnDevices, answeredAt);
        Assert.Null(cache.Find(Bob, answeredAt));
        var complete = snapshot.With([(Own, OwnDevices)]);

        Assert.Empty(complete.Missing);
        Assert.Equal(BobsDevices, complete.Of(Bob));
        Assert.Equal(OwnDevices, complete.Of(Own));
    }

    [Fact]
    public void A_user_is_found_by_any_of_its_device_jids_and_one_nobody_answered_for_has_no_devices()
    {
        var cache = new DeviceListCache(TimeSpan.FromMinutes(5));
        cache.Store(Bob, BobsDevices, T0);

        var snapshot = cache.Snapshot([Jid.Parse("15550002222:3@s.whatsapp.net"), Own], T0).With([]);

        Assert.Equal(BobsDevices, snapshot.Of(Bob));
        Assert.Empty(snapshot.Of(Own));
    }
}

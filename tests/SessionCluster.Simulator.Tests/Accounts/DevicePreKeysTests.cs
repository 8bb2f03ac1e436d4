using System.Collections.Concurrent;
using SessionCluster.Simulator.Accounts;

namespace SessionCluster.Simulator.Tests.Accounts;

/// <summary>The server's store of one device's one-time prekeys: each id is taken at most once, whatever the threads do.</summary>
public sealed class DevicePreKeysTests
{
    private static IEnumerable<(uint Id, ReadOnlyMemory<byte> PublicKey)> Keys(uint first, int count) =>
        Enumerable.Range(0, count).Select(i => (first + (uint)i, (ReadOnlyMemory<byte>)new byte[32]));

    [Fact]
    public void Many_threads_taking_from_one_device_get_each_key_once_and_nothing_once_it_is_empty()
    {
        var store = new DevicePreKeys();
        store.Add(Keys(1, 600));
        var taken = new ConcurrentBag<uint>();
        var empty = 0;
        var lowNotices = 0;

        Parallel.For(0, 1000, new ParallelOptions { MaxDegreeOfParallelism = 16 }, _ =>
        {
            var result = store.Take(lowWatermark: 5);
            if (result.Key is { } key)
            {
                taken.Add(key.Id);
            }
            else
            {
                Interlocked.Increment(ref empty);
            }

            if (result.NotifyLow)
            {
                Interlocked.Increment(ref lowNotices);
            }
        });

        Assert.Equal(600, taken.Count);
        Assert.Equal(Enumerable.Range(1, 600).Select(i => (uint)i), taken.Order());
        Assert.Equal(400, empty);
        Assert.Equal(1, lowNotices);
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public void Re_uploading_the_same_ids_while_other_threads_take_never_lets_a_taken_id_be_taken_again()
    {
        var store = new DevicePreKeys();
        store.Add(Keys(1, 100));
        var taken = new ConcurrentBag<uint>();

        Parallel.For(0, 2000, new ParallelOptions { MaxDegreeOfParallelism = 16 }, i =>
        {
            if (i % 2 == 0)
            {
                store.Add(Keys(1, 100));
            }
            else if (store.Take() is { } key)
            {
                taken.Add(key.Id);
            }
        });

        Assert.Equal(taken.Count, taken.Distinct().Count());
        Assert.Equal(100, taken.Count + store.Count);
        Assert.Equal(taken.Order(), store.ConsumedIds());
    }

    [Fact]
    public void A_consumed_id_is_skipped_by_an_upload_and_a_restored_consumed_id_drops_the_key_held_under_it()
    {
        var store = new DevicePreKeys();
        store.Add(Keys(1, 3));
        Assert.Equal(1u, store.Take()!.Value.Id);

        Assert.Equal(2, store.Add(Keys(1, 3)));
        Assert.Equal([2u, 3u], store.Snapshot().Select(k => k.Id));

        store.MarkConsumed([2u]);
        Assert.Equal([3u], store.Snapshot().Select(k => k.Id));
        Assert.Equal([1u, 2u], store.ConsumedIds());
    }

    [Fact]
    public void Concurrent_uploads_never_hold_more_keys_than_the_limit()
    {
        var store = new DevicePreKeys();
        var accepted = 0;

        Parallel.For(0, 10, new ParallelOptions { MaxDegreeOfParallelism = 10 }, i =>
        {
            if (store.Add(Keys(1 + (uint)i * 100, 100), limit: 250) is not null)
            {
                Interlocked.Increment(ref accepted);
            }
        });

        Assert.Equal(2, accepted);
        Assert.Equal(200, store.Count);
    }
}

using System.Diagnostics;
using SessionCluster.Actors.Persistence;
using Xunit.Abstractions;

namespace SessionCluster.Storage.Tests.Contracts;

/// <summary>
/// What every <see cref="IJournal"/> must do. Each provider's test class subclasses this and supplies a journal
/// and a way to corrupt a stored payload; the tests themselves are written once.
/// </summary>
public abstract class JournalContractTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    protected ITestOutputHelper Output { get; } = output;

    protected IJournal Journal { get; private set; } = null!;

    /// <summary>A journal for one test. Persistence ids are unique per test, so it may share its store with other tests.</summary>
    protected abstract Task<IJournal> CreateJournalAsync();

    /// <summary>Flips a stored byte of the event's payload, underneath the journal.</summary>
    protected abstract Task CorruptPayloadAsync(string persistenceId, long sequenceNr);

    public virtual async Task InitializeAsync() => Journal = await CreateJournalAsync();

    public virtual async Task DisposeAsync() => await Journal.DisposeAsync();

    /// <summary>A persistence id no other test (or run against the same store) uses.</summary>
    protected string Id(string name) => $"{name}-{_run}";

    [Fact]
    public async Task Appended_events_replay_in_order_within_the_requested_range()
    {
        var pid = Id("range");
        await Journal.ClaimAsync(pid, "w1");
        await Journal.AppendAsync(TestEvents.Write(pid, "w1", 1, 3));
        await Journal.AppendAsync(TestEvents.Write(pid, "w1", 4, 1));
        await Journal.AppendAsync(TestEvents.Write(pid, "w1", 5, 5));

        TestEvents.AssertSequence(await Journal.ReplayAllAsync(pid), pid, 1, 9, "w1");
        TestEvents.AssertSequence(await Journal.ReplayAllAsync(pid, 3, 6), pid, 3, 6);
        TestEvents.AssertSequence(await Journal.ReplayAllAsync(pid, 9, 9), pid, 9, 9);
        Assert.Empty(await Journal.ReplayAllAsync(pid, 10, long.MaxValue));
        Assert.Empty(await Journal.ReplayAllAsync(pid, 6, 5));
        Assert.Empty(await Journal.ReplayAllAsync(Id("never-written")));
    }

    [Fact]
    public async Task Replayed_events_keep_manifest_writer_and_timestamp()
    {
        var pid = Id("fields");
        await Journal.ClaimAsync(pid, "node-3/epoch-17");
        var at = new DateTimeOffset(2026, 11, 22, 5, 0, 0, TimeSpan.Zero).AddTicks(1230);
        var written = new JournalEvent(pid, 1, "wa.Message/v2", new byte[] { 0, 1, 2, 255 }, "node-3/epoch-17", at);
        var empty = new JournalEvent(pid, 2, "wa.Empty", ReadOnlyMemory<byte>.Empty, "node-3/epoch-17", at);
        await Journal.AppendAsync(new AtomicWrite(pid, "node-3/epoch-17", [written, empty]));

        var replayed = await Journal.ReplayAllAsync(pid);
        Assert.Equal(2, replayed.Count);
        Assert.Equal("wa.Message/v2", replayed[0].Manifest);
        Assert.Equal(new byte[] { 0, 1, 2, 255 }, replayed[0].Payload.ToArray());
        Assert.Equal("node-3/epoch-17", replayed[0].WriterId);
        Assert.InRange((replayed[0].Timestamp - at).Duration(), TimeSpan.Zero, TimeSpan.FromMilliseconds(1));
        Assert.Equal(0, replayed[1].Payload.Length);
    }

    [Fact]
    public async Task Highest_sequence_nr_is_zero_until_written_then_follows_appends()
    {
        var pid = Id("highest");
        Assert.Equal(0, await Journal.ReadHighestSequenceNrAsync(pid));
        await Journal.ClaimAsync(pid, "w1");
        Assert.Equal(0, await Journal.ReadHighestSequenceNrAsync(pid));
        await Journal.AppendAsync(TestEvents.Write(pid, "w1", 1, 4));
        Assert.Equal(4, await Journal.ReadHighestSequenceNrAsync(pid));
        await Journal.AppendAsync(TestEvents.Write(pid, "w1", 5, 1));
        Assert.Equal(5, await Journal.ReadHighestSequenceNrAsync(pid));
    }

    [Fact]
    public async Task Claim_returns_the_highest_sequence_nr()
    {
        var pid = Id("claim");
        Assert.Equal(0, await Journal.ClaimAsync(pid, "w1"));
        await Journal.AppendAsync(TestEvents.Write(pid, "w1", 1, 7));
        Assert.Equal(7, await Journal.ClaimAsync(pid, "w2"));
        Assert.Equal(7, await Journal.ClaimAsync(pid, "w2"));
    }

    [Fact]
    public async Task Atomic_write_overlapping_stored_events_stores_none_of_its_events()
    {
        var pid = Id("atomic");
        await Journal.ClaimAsync(pid, "w1");
        await Journal.AppendAsync(TestEvents.Write(pid, "w1", 1, 3));

        // 3 is taken, 4 and 5 are free: all three must be refused together.
        var rejected = await Assert.ThrowsAsync<JournalWriteRejectedException>(async () => await Journal.AppendAsync(TestEvents.Write(pid, "w1", 3, 3)));
        Assert.Equal(WriteRejection.SequenceNrTaken, rejected.Reason);
        Assert.Equal(pid, rejected.PersistenceId);
        TestEvents.AssertSequence(await Journal.ReplayAllAsync(pid), pid, 1, 3);
        Assert.Equal(3, await Journal.ReadHighestSequenceNrAsync(pid));

        // A write of many events lands whole.
        await Journal.AppendAsync(TestEvents.Write(pid, "w1", 4, 50));
        TestEvents.AssertSequence(await Journal.ReplayAllAsync(pid), pid, 1, 53);
    }

    [Fact]
    public async Task Second_claim_fences_out_the_first_writer_and_leaves_the_journal_unchanged()
    {
        var pid = Id("fenced");
        await Journal.ClaimAsync(pid, "node-1/epoch-1");
        await Journal.AppendAsync(TestEvents.Write(pid, "node-1/epoch-1", 1, 2));
        Assert.Equal(2, await Journal.ClaimAsync(pid, "node-2/epoch-2"));

        var rejected = await Assert.ThrowsAsync<JournalWriteRejectedException>(
            async () => await Journal.AppendAsync(TestEvents.Write(pid, "node-1/epoch-1", 3, 2)));
        Assert.Equal(WriteRejection.FencedOut, rejected.Reason);
        Assert.Equal("node-1/epoch-1", rejected.WriterId);
        Assert.Equal(3, rejected.SequenceNr);
        Assert.Equal(2, await Journal.ReadHighestSequenceNrAsync(pid));
        TestEvents.AssertSequence(await Journal.ReplayAllAsync(pid), pid, 1, 2, "node-1/epoch-1");

        await Journal.AppendAsync(TestEvents.Write(pid, "node-2/epoch-2", 3, 1));
        Assert.Equal("node-2/epoch-2", (await Journal.ReplayAllAsync(pid, 3, 3))[0].WriterId);
    }

    [Fact]
    public async Task Writer_that_never_claimed_is_rejected_as_not_claimed()
    {
        var unclaimed = Id("unclaimed");
        var rejected = await Assert.ThrowsAsync<JournalWriteRejectedException>(async () => await Journal.AppendAsync(TestEvents.Write(unclaimed, "w1", 1)));
        Assert.Equal(WriteRejection.NotClaimed, rejected.Reason);
        Assert.Empty(await Journal.ReplayAllAsync(unclaimed));
        Assert.Equal(0, await Journal.ReadHighestSequenceNrAsync(unclaimed));

        var other = Id("claimed-by-other");
        await Journal.ClaimAsync(other, "owner");
        await Journal.AppendAsync(TestEvents.Write(other, "owner", 1));
        rejected = await Assert.ThrowsAsync<JournalWriteRejectedException>(async () => await Journal.AppendAsync(TestEvents.Write(other, "intruder", 2)));
        Assert.Equal(WriteRejection.NotClaimed, rejected.Reason);
        TestEvents.AssertSequence(await Journal.ReplayAllAsync(other), other, 1, 1, "owner");
        Assert.Equal(1, await Journal.ReadHighestSequenceNrAsync(other));
    }

    [Fact]
    public async Task Taken_sequence_nr_is_rejected_and_leaves_the_journal_unchanged()
    {
        var pid = Id("taken");
        await Journal.ClaimAsync(pid, "w1");
        await Journal.AppendAsync(TestEvents.Write(pid, "w1", 1, 2));
        var rejected = await Assert.ThrowsAsync<JournalWriteRejectedException>(async () => await Journal.AppendAsync(TestEvents.Write(pid, "w1", 2)));
        Assert.Equal(WriteRejection.SequenceNrTaken, rejected.Reason);
        Assert.Equal(2, rejected.SequenceNr);
        rejected = await Assert.ThrowsAsync<JournalWriteRejectedException>(async () => await Journal.AppendAsync(TestEvents.Write(pid, "w1", 1)));
        Assert.Equal(WriteRejection.SequenceNrTaken, rejected.Reason);
        TestEvents.AssertSequence(await Journal.ReplayAllAsync(pid), pid, 1, 2);
        Assert.Equal(2, await Journal.ReadHighestSequenceNrAsync(pid));
    }

    [Fact]
    public async Task Write_that_skips_sequence_nrs_is_refused_and_stores_nothing()
    {
        var pid = Id("gap");
        await Journal.ClaimAsync(pid, "w1");
        await Journal.AppendAsync(TestEvents.Write(pid, "w1", 1));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await Journal.AppendAsync(TestEvents.Write(pid, "w1", 3)));
        TestEvents.AssertSequence(await Journal.ReplayAllAsync(pid), pid, 1, 1);
        Assert.Equal(1, await Journal.ReadHighestSequenceNrAsync(pid));
    }

    [Fact]
    public async Task Append_cancelled_before_it_starts_stores_nothing()
    {
        var pid = Id("cancelled");
        await Journal.ClaimAsync(pid, "w1");
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await Journal.AppendAsync(TestEvents.Write(pid, "w1", 1), cancelled.Token));
        Assert.Equal(0, await Journal.ReadHighestSequenceNrAsync(pid));
        await Journal.AppendAsync(TestEvents.Write(pid, "w1", 1));
        TestEvents.AssertSequence(await Journal.ReplayAllAsync(pid), pid, 1, 1);
    }

    [Fact]
    public async Task Rejected_write_among_200_concurrent_ones_fails_alone()
    {
        var ids = Enumerable.Range(0, 200).Select(i => Id($"crowd{i}")).ToArray();
        foreach (var pid in ids)
        {
            await Journal.ClaimAsync(pid, "w1");
            await Journal.AppendAsync(TestEvents.Write(pid, "w1", 1));
        }

        const int Fenced = 57, Taken = 123;
        await Journal.ClaimAsync(ids[Fenced], "w2");

        // All 200 are queued before any completes, so the SQL journals see them in the same batch(es).
        var appends = ids.Select((pid, i) => Journal.AppendAsync(TestEvents.Write(pid, "w1", i == Taken ? 1 : 2, 2)).AsTask()).ToArray();
        var outcome = await Task.WhenAll(appends.Select(async t =>
        {
            try
            {
                await t;
                return (WriteRejection?)null;
            }
            catch (JournalWriteRejectedException e)
            {
                return e.Reason;
            }
        }));

        for (var i = 0; i < ids.Length; i++)
        {
            var expected = i switch { Fenced => WriteRejection.FencedOut, Taken => WriteRejection.SequenceNrTaken, _ => (WriteRejection?)null };
            Assert.Equal(expected, outcome[i]);
            var last = expected is null ? 3 : 1;
            TestEvents.AssertSequence(await Journal.ReplayAllAsync(ids[i]), ids[i], 1, last);
            Assert.Equal(last, await Journal.ReadHighestSequenceNrAsync(ids[i]));
        }
    }

    [Fact]
    public async Task Thousand_concurrent_appends_across_100_ids_are_all_stored_in_order()
    {
        var ids = Enumerable.Range(0, 100).Select(i => Id($"many{i}")).ToArray();
        foreach (var pid in ids)
        {
            await Journal.ClaimAsync(pid, "w1");
        }

        // 100 actors, each appending 10 events one at a time and awaiting each: 1,000 appends in flight together.
        await Task.WhenAll(ids.Select(pid => Task.Run(async () =>
        {
            for (var seq = 1; seq <= 10; seq++)
            {
                await Journal.AppendAsync(TestEvents.Write(pid, "w1", seq));
            }
        })));

        foreach (var pid in ids)
        {
            TestEvents.AssertSequence(await Journal.ReplayAllAsync(pid), pid, 1, 10, "w1");
            Assert.Equal(10, await Journal.ReadHighestSequenceNrAsync(pid));
        }
    }

    [Fact]
    public async Task Appends_queued_for_one_id_without_awaiting_are_applied_in_call_order()
    {
        // What PersistAsync-style callers do: several writes of one id in flight at once.
        var pid = Id("pipelined");
        var other = Id("pipelined-other");
        await Journal.ClaimAsync(pid, "w1");
        await Journal.ClaimAsync(other, "w1");
        var appends = new List<Task>();
        for (var seq = 1; seq <= 60; seq += 3)
        {
            appends.Add(Journal.AppendAsync(TestEvents.Write(pid, "w1", seq, 3)).AsTask());
            appends.Add(Journal.AppendAsync(TestEvents.Write(other, "w1", (seq + 2) / 3)).AsTask());
        }

        await Task.WhenAll(appends);
        TestEvents.AssertSequence(await Journal.ReplayAllAsync(pid), pid, 1, 60, "w1");
        TestEvents.AssertSequence(await Journal.ReplayAllAsync(other), other, 1, 20, "w1");
    }

    [Fact]
    public async Task Delete_up_to_keeps_the_highest_sequence_nr_and_appends_continue_after_it()
    {
        var pid = Id("delete");
        await Journal.ClaimAsync(pid, "w1");
        await Journal.AppendAsync(TestEvents.Write(pid, "w1", 1, 5));

        await Journal.DeleteUpToAsync(pid, 3);
        TestEvents.AssertSequence(await Journal.ReplayAllAsync(pid), pid, 4, 5);

        await Journal.DeleteUpToAsync(pid, long.MaxValue);
        Assert.Empty(await Journal.ReplayAllAsync(pid));
        Assert.Equal(5, await Journal.ReadHighestSequenceNrAsync(pid));
        Assert.Equal(5, await Journal.ClaimAsync(pid, "w2"));

        var rejected = await Assert.ThrowsAsync<JournalWriteRejectedException>(async () => await Journal.AppendAsync(TestEvents.Write(pid, "w2", 5)));
        Assert.Equal(WriteRejection.SequenceNrTaken, rejected.Reason);
        await Journal.AppendAsync(TestEvents.Write(pid, "w2", 6, 2));
        TestEvents.AssertSequence(await Journal.ReplayAllAsync(pid), pid, 6, 7, "w2");
        Assert.Equal(7, await Journal.ReadHighestSequenceNrAsync(pid));
    }

    [Fact]
    public async Task Replay_after_deleting_a_long_prefix_starts_at_the_first_stored_event()
    {
        var pid = Id("long-prefix");
        await Journal.ClaimAsync(pid, "w1");
        for (var from = 1; from <= 2_500; from += 250)
        {
            await Journal.AppendAsync(TestEvents.Write(pid, "w1", from, 250));
        }

        await Journal.DeleteUpToAsync(pid, 2_100);
        TestEvents.AssertSequence(await Journal.ReplayAllAsync(pid), pid, 2_101, 2_500);
        TestEvents.AssertSequence(await Journal.ReplayAllAsync(pid, 5, 2_105), pid, 2_101, 2_105);
        Assert.Empty(await Journal.ReplayAllAsync(pid, 1, 2_100));
        Assert.Equal(2_500, await Journal.ReadHighestSequenceNrAsync(pid));
    }

    [Fact]
    public async Task Corrupted_payload_fails_replay_naming_the_persistence_id_and_sequence_nr()
    {
        var pid = Id("corrupt");
        await Journal.ClaimAsync(pid, "w1");
        await Journal.AppendAsync(TestEvents.Write(pid, "w1", 1, 5));
        await CorruptPayloadAsync(pid, 4);

        TestEvents.AssertSequence(await Journal.ReplayAllAsync(pid, 1, 3), pid, 1, 3);
        var corrupted = await Assert.ThrowsAsync<JournalCorruptionException>(() => Journal.ReplayAllAsync(pid));
        Assert.Equal(pid, corrupted.PersistenceId);
        Assert.Equal(4, corrupted.SequenceNr);
        Assert.Contains(pid, corrupted.Message, StringComparison.Ordinal);
        TestEvents.AssertSequence(await Journal.ReplayAllAsync(pid, 5, 5), pid, 5, 5);
    }

    [Fact]
    public async Task Ten_thousand_events_replay_in_order()
    {
        var pid = Id("long");
        await Journal.ClaimAsync(pid, "w1");
        for (var from = 1; from <= 10_000; from += 500)
        {
            await Journal.AppendAsync(TestEvents.Write(pid, "w1", from, 500));
        }

        var started = Stopwatch.GetTimestamp();
        var events = await Journal.ReplayAllAsync(pid);
        var elapsed = Stopwatch.GetElapsedTime(started);
        TestEvents.AssertSequence(events, pid, 1, 10_000, "w1");
        Output.WriteLine($"{GetType().Name}: replayed 10,000 events in {elapsed.TotalMilliseconds:F1} ms ({10_000 / elapsed.TotalSeconds:N0} events/s)");
    }

    [Fact]
    public async Task Thousand_concurrent_writers_appending_one_event_at_a_time_are_all_stored()
    {
        const int Writers = 1_000;
        var perWriter = int.TryParse(Environment.GetEnvironmentVariable("STORAGE_TESTS_EVENTS_PER_WRITER"), out var n) ? n : 5;
        var ids = Enumerable.Range(0, Writers).Select(i => Id($"load{i}")).ToArray();
        await Task.WhenAll(ids.Select(pid => Journal.ClaimAsync(pid, "w1").AsTask()));

        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(ids.Select(pid => Task.Run(async () =>
        {
            for (var seq = 1; seq <= perWriter; seq++)
            {
                await Journal.AppendAsync(TestEvents.Write(pid, "w1", seq));
            }
        })));
        var elapsed = Stopwatch.GetElapsedTime(started);
        Output.WriteLine($"{GetType().Name}: {Writers:N0} writers x {perWriter} awaited appends in {elapsed.TotalMilliseconds:F0} ms ({Writers * perWriter / elapsed.TotalSeconds:N0} events/s)");

        foreach (var pid in ids)
        {
            Assert.Equal(perWriter, await Journal.ReadHighestSequenceNrAsync(pid));
        }

        TestEvents.AssertSequence(await Journal.ReplayAllAsync(ids[^1]), ids[^1], 1, perWriter, "w1");
    }
}

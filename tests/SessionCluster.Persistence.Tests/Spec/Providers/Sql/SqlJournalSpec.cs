using SessionCluster.Persistence.Tests.Spec.Journal;
using Xunit.Abstractions;

namespace SessionCluster.Persistence.Tests.Spec.Providers.Sql;

/// <summary>
/// The journal suite on Akka.Persistence.Sql, whichever database is under it: what the plugin does where it differs
/// from the spec, and one test that reads the table itself (docs/PERSISTENCE-SPEC.md, "Akka.Persistence.Sql"). Each
/// database's subclass overrides the spec tests with these pins under a display name of its own, so a failure says
/// which database it was.
/// </summary>
public abstract class SqlJournalSpec(ITestOutputHelper output) : JournalSpec(output)
{
    protected const string Differs = " [Akka.Persistence.Sql differs from the spec]";

    /// <summary>One journal row of <c>journal</c> (the plugin's default table mapping), read with SQL.</summary>
    protected sealed record StoredRow(long SequenceNr, bool Deleted, long PayloadBytes);

    /// <summary>The journal rows of <paramref name="persistenceId"/> in sequence order, straight from the database.</summary>
    protected abstract Task<IReadOnlyList<StoredRow>> ReadRowsAsync(string persistenceId);

    /// <summary>
    /// The default table mapping has a writer_uuid column, but the plugin fills it with an id of its own, not the
    /// event's WriterGuid: one id per journal actor, new after a restart. Its manifest column holds the serializer's
    /// manifest, not the event's.
    /// </summary>
    protected async Task Akka_Persistence_Sql_replays_its_own_writer_id_and_the_serializer_manifest_instead_of_the_written_ones()
    {
        var pid = NewPersistenceId("fields");
        await WriteAsync(Atomic(Event(pid, 1, manifest: "account-event/v2")));
        await WriteAsync(Atomic(Event(pid, 2, new SpecPayload("p"), manifest: "account-event/v3")));

        var replayed = (await ReplayAsync(pid)).Events;

        Assert.Equal([(pid, 1L, ""), (pid, 2L, SpecSerializer.PayloadManifest)], replayed.Select(e => (e.PersistenceId, e.SequenceNr, e.Manifest)));
        Assert.All(replayed, e => Assert.NotEqual(WriterGuid, e.WriterGuid));
        Assert.Equal(replayed[0].WriterGuid, replayed[1].WriterGuid);

        await RestartActorSystemAsync();
        await WriteAsync(Atomic(Event(pid, 3)));
        var afterRestart = (await ReplayAsync(pid)).Events;
        Assert.Equal(replayed[0].WriterGuid, afterRestart[0].WriterGuid);
        Assert.NotEqual(replayed[0].WriterGuid, afterRestart[2].WriterGuid);
    }

    /// <summary>
    /// The highest sequence number is read from the replay's lower bound up, so a replay that starts past the last
    /// event reports zero. A persistent actor takes the larger of this and the sequence number it already knows.
    /// </summary>
    protected async Task A_replay_starting_past_the_highest_sequence_number_reports_highest_zero()
    {
        var pid = NewPersistenceId("replay-past");
        await SeedAsync(pid, 5);

        var replay = await ReplayAsync(pid, from: 6);

        Assert.Empty(replay.Events);
        Assert.Equal(0, replay.HighestSequenceNr);
        Assert.Equal(5, (await ReplayAsync(pid, from: 5)).HighestSequenceNr);
    }

    /// <summary>
    /// Deletion marks rows deleted, then removes all but the highest marked one, which stays, payload and all, to
    /// remember the highest sequence number.
    /// </summary>
    [Fact]
    public async Task Deleting_keeps_the_last_deleted_event_in_the_table_with_its_payload_as_the_highest_sequence_marker()
    {
        var pid = NewPersistenceId("delete-rows");
        await SeedAsync(pid, 5);

        await DeleteToAsync(pid, 3);

        var rows = await ReadRowsAsync(pid);
        Assert.Equal([(3L, true), (4L, false), (5L, false)], rows.Select(r => (r.SequenceNr, r.Deleted)));
        Assert.True(rows[0].PayloadBytes > 0, "The deleted event's payload is gone.");
    }
}

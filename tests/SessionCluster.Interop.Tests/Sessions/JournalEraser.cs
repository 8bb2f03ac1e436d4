using Akka.Actor;
using Akka.Persistence;

namespace SessionCluster.Interop.Tests.Sessions;

/// <summary>
/// Deletes every event and snapshot of one persistence id through Akka persistence (the journal and snapshot store the
/// node configures), as losing that actor's state would: it recovers the id, then DeleteMessages and DeleteSnapshots up
/// to the end, and answers <see cref="Erased"/> with how many events it had recovered once both are done.
/// </summary>
internal sealed class JournalEraser : ReceivePersistentActor
{
    private readonly string _persistenceId;
    private IActorRef? _replyTo;
    private int _recovered;
    private bool _messagesDeleted;
    private bool _snapshotsDeleted;

    public JournalEraser(string persistenceId)
    {
        _persistenceId = persistenceId;
        Recover<object>(_ => _recovered++);
        Command<Erase>(_ =>
        {
            _replyTo = Sender;
            DeleteMessages(long.MaxValue);
            DeleteSnapshots(new SnapshotSelectionCriteria(long.MaxValue));
        });
        Command<DeleteMessagesSuccess>(_ =>
        {
            _messagesDeleted = true;
            ReplyWhenDone();
        });
        Command<DeleteSnapshotsSuccess>(_ =>
        {
            _snapshotsDeleted = true;
            ReplyWhenDone();
        });
        Command<DeleteMessagesFailure>(failed => _replyTo?.Tell(new Status.Failure(failed.Cause)));
        Command<DeleteSnapshotsFailure>(failed => _replyTo?.Tell(new Status.Failure(failed.Cause)));
    }

    public override string PersistenceId => _persistenceId;

    private void ReplyWhenDone()
    {
        if (_messagesDeleted && _snapshotsDeleted)
        {
            _replyTo?.Tell(new Erased(_recovered));
        }
    }

    internal sealed record Erase
    {
        public static Erase Instance { get; } = new();
    }

    internal sealed record Erased(int Events);
}

/// <summary>Runs a <see cref="JournalEraser"/> from outside any actor.</summary>
internal static class JournalErasing
{
    /// <summary>Erases <paramref name="persistenceId"/> in <paramref name="system"/>; returns how many events it held.</summary>
    public static async Task<int> EraseAsync(ActorSystem system, string persistenceId, TimeSpan timeout)
    {
        var eraser = system.ActorOf(Props.Create(() => new JournalEraser(persistenceId)));
        try
        {
            return (await eraser.Ask<JournalEraser.Erased>(JournalEraser.Erase.Instance, timeout)).Events;
        }
        finally
        {
            system.Stop(eraser);
        }
    }
}

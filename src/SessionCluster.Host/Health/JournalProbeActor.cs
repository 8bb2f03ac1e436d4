using Akka.Actor;
using Akka.Event;
using Akka.Persistence;

namespace SessionCluster.Host.Health;

/// <summary>
/// Answers "can this node write to its journal?" by persisting one small event through the configured default
/// journal and replying once the journal has confirmed it. The writing is done by a persistent child
/// (<see cref="Writer"/>); Akka stops a persistent actor whose write or recovery fails, so this parent keeps the
/// probes in flight, fails them with the writer's last error when the writer stops, and starts a new writer for the
/// next probe. One writer at a time means one writer per persistence id, as Akka.Persistence requires.
/// </summary>
internal sealed class JournalProbeActor : ReceiveActor
{
    private readonly string _persistenceId;
    private readonly int _deleteEvery;
    private readonly Dictionary<long, IActorRef> _inFlight = [];
    private IActorRef? _writer;
    private string? _writerFailure;
    private long _nextProbe;
    private int _writerGeneration;

    public JournalProbeActor(string persistenceId, int deleteEvery)
    {
        _persistenceId = persistenceId;
        _deleteEvery = deleteEvery;
        Receive<JournalProbeProtocol.Probe>(_ => OnProbe());
        Receive<JournalProbeProtocol.Confirmed>(Answer);
        Receive<JournalProbeProtocol.Failed>(Answer);
        Receive<WriterFailed>(failed => _writerFailure = failed.Reason);
        Receive<Terminated>(OnWriterStopped);
    }

    public static Props Props(string persistenceId, int deleteEvery) =>
        Akka.Actor.Props.Create(() => new JournalProbeActor(persistenceId, deleteEvery));

    private void OnProbe()
    {
        if (_writer is null)
        {
            _writerFailure = null;
            _writer = Context.Watch(Context.ActorOf(Akka.Actor.Props.Create(() => new Writer(_persistenceId, _deleteEvery)), $"writer-{++_writerGeneration}"));
        }

        var probe = ++_nextProbe;
        _inFlight[probe] = Sender;
        _writer.Tell(new Write(probe));
    }

    private void Answer(JournalProbeProtocol.Confirmed confirmed) => Reply(confirmed.Probe, confirmed);

    private void Answer(JournalProbeProtocol.Failed failed) => Reply(failed.Probe, failed);

    private void Reply(long probe, object answer)
    {
        if (_inFlight.Remove(probe, out var replyTo))
        {
            replyTo.Tell(answer);
        }
    }

    private void OnWriterStopped(Terminated terminated)
    {
        if (!terminated.ActorRef.Equals(_writer))
        {
            return;
        }

        _writer = null;
        var reason = _writerFailure ?? "the journal probe writer stopped";
        foreach (var (probe, replyTo) in _inFlight)
        {
            replyTo.Tell(new JournalProbeProtocol.Failed(probe, reason));
        }

        _inFlight.Clear();
    }

    private sealed record Write(long Probe);

    private sealed record WriterFailed(string Reason);

    /// <summary>Persists each probe number as one event and confirms it to the parent after the journal has.</summary>
    private sealed class Writer : ReceivePersistentActor
    {
        private readonly int _deleteEvery;
        private readonly ILoggingAdapter _log = Context.GetLogger();

        public Writer(string persistenceId, int deleteEvery)
        {
            PersistenceId = persistenceId;
            _deleteEvery = deleteEvery;
            Recover<long>(_ => { });
            Command<Write>(write => Persist(write.Probe, OnPersisted));
            Command<DeleteMessagesSuccess>(_ => { });
            Command<DeleteMessagesFailure>(failure => _log.Warning("Deleting old journal probe events failed: {0}", failure.Cause.Message));
        }

        public override string PersistenceId { get; }

        private void OnPersisted(long probe)
        {
            Context.Parent.Tell(new JournalProbeProtocol.Confirmed(probe));
            if (LastSequenceNr % _deleteEvery == 0)
            {
                DeleteMessages(LastSequenceNr - 1);
            }
        }

        protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
        {
            Context.Parent.Tell(new WriterFailed($"journal write failed: {cause.GetType().Name}: {cause.Message}"));
            base.OnPersistFailure(cause, @event, sequenceNr);
        }

        protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
        {
            Context.Parent.Tell(new JournalProbeProtocol.Failed((long)@event, $"journal rejected the write: {cause.GetType().Name}: {cause.Message}"));
            base.OnPersistRejected(cause, @event, sequenceNr);
        }

        protected override void OnRecoveryFailure(Exception reason, object? message = null)
        {
            Context.Parent.Tell(new WriterFailed($"journal recovery failed: {reason.GetType().Name}: {reason.Message}"));
            base.OnRecoveryFailure(reason, message);
        }
    }
}

/// <summary>What the health check asks <see cref="JournalProbeActor"/> and what it answers.</summary>
internal static class JournalProbeProtocol
{
    /// <summary>Persist one event and answer <see cref="Confirmed"/> or <see cref="Failed"/>.</summary>
    public sealed record Probe
    {
        public static readonly Probe Instance = new();
    }

    /// <summary>The journal confirmed probe <paramref name="Probe"/>'s event.</summary>
    public sealed record Confirmed(long Probe);

    /// <summary>The journal failed probe <paramref name="Probe"/>; <paramref name="Reason"/> says how.</summary>
    public sealed record Failed(long Probe, string Reason);
}
